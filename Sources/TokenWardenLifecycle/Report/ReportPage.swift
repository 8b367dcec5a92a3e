import Foundation
import Mustache
import TokenWardenCore
import TokenWardenStore

/// `tokenwarden report`: the inventory as one self-contained page (HTML with an inline SVG chart and
/// no scripts, or Markdown) that an auditor or a team lead can be sent as is. Every provider string
/// in the HTML goes through Mustache's HTML escaping (swift-mustache's default content type); the
/// Markdown escapes its own special characters.
public struct ReportPage: Sendable {
    public var report: InventoryReport
    public var outline: PlanOutline
    public var rules: [Rule]
    public var enforce: Bool
    public var generatedAt: Date
    public var source: String
    /// The most tokens listed under one rule; the page says when a rule has more.
    public var listedPerRule: Int
    /// What comes due in the weeks ahead, drawn as a bar per week split by provider.
    public var forecast: Forecast?

    /// The days the timeline covers, the stale span, the "expiring" and "rotated" windows.
    public static let timelineDays = 90
    public static let staleDays = 90
    public static let windowDays = 30
    /// Tokens drawn one mark each on the timeline; beyond, one bar per provider and day.
    public static let markLimit = 2_000

    /// Tokens listed under each rule unless `report --limit` says otherwise: every one, for any
    /// inventory a person reads through; a larger page is still one file an auditor can open.
    public static let defaultListedPerRule = 1_000

    public init(
        report: InventoryReport, outline: PlanOutline, rules: [Rule], enforce: Bool, generatedAt: Date, source: String,
        listedPerRule: Int = defaultListedPerRule
    ) {
        self.listedPerRule = listedPerRule
        self.report = report
        self.outline = outline
        self.rules = rules
        self.enforce = enforce
        self.generatedAt = generatedAt
        self.source = source
    }

    // MARK: - HTML

    /// The page as HTML.
    public func html() -> String {
        // The built-in template is rendered and loaded in Chromium by `ReportCommandTests`.
        guard let template = try? MustacheTemplate(string: Self.htmlTemplate) else { return "" }
        return template.render(context())
    }

    /// The timeline's geometry: a lane per provider, x by days from now.
    static let chartLeft = 140.0
    static let chartWidth = 720.0
    static let laneHeight = 28.0

    func context() -> [String: Any] {
        let providers = Array(Set(report.marks.map(\.provider)).union(report.dayCounts.keys)).sorted()
        let lane = Dictionary(uniqueKeysWithValues: providers.enumerated().map { ($1, $0) })
        let x = { (days: Double) in Self.chartLeft + days / Double(Self.timelineDays) * Self.chartWidth }
        let y = { (provider: String) in 30 + Double(lane[provider] ?? 0) * Self.laneHeight }
        let marks: [[String: Any]] = report.marks.map { mark in
            let days = mark.expiresAt.timeIntervalSince(generatedAt) / 86_400
            return [
                "x": Self.number(x(days)), "y": Self.number(y(mark.provider)),
                "title": "\(mark.name) (\(mark.provider)/\(mark.tokenID)) expires \(ProviderTimestamp.formatDay(mark.expiresAt))",
            ]
        }
        let peak = Double(report.dayCounts.values.flatMap(\.values).max() ?? 1)
        var bars: [[String: Any]] = []
        for (provider, days) in report.dayCounts.sorted(by: { $0.key < $1.key }) {
            for (day, count) in days.sorted(by: { $0.key < $1.key }) {
                let height = max(2, Double(count) / peak * (Self.laneHeight - 6))
                bars.append([
                    "x": Self.number(x(Double(day))), "y": Self.number(y(provider) + 10 - height), "height": Self.number(height),
                    "width": Self.number(Self.chartWidth / Double(Self.timelineDays) - 1),
                    "title": "\(count) tokens of \(provider) expire on day \(day)",
                ])
            }
        }
        let lanes: [[String: Any]] = providers.map { provider in
            ["provider": provider, "y": Self.number(y(provider)), "label_y": Self.number(y(provider) + 4)]
        }
        let ticks: [[String: Any]] = stride(from: 0, through: Self.timelineDays, by: 15).map { day in
            ["x": Self.number(x(Double(day))), "label": "\(day)d"]
        }
        let height = 50 + Double(max(providers.count, 1)) * Self.laneHeight
        let held = outline.heldByProvider
        let row = { (entry: InventoryReport.Row, isProvider: Bool) -> [String: Any] in
            var fields: [String: Any] = [
                "key": entry.key, "tokens": entry.tokens, "never_used": entry.neverUsed, "stale": entry.stale, "expiring": entry.expiring,
                "rotated": entry.rotated,
            ]
            if isProvider { fields["held"] = held[entry.key] ?? 0 }
            return fields
        }
        let decided: [[String: Any]] = rules.map { rule in
            let entries: [[String: Any]] = (outline.listed[rule.name] ?? []).map { entry in
                let decision = entry.decision
                var fields: [String: Any] = [
                    "reference": decision.token.reference, "token_name": decision.token.name, "reason": decision.reason,
                ]
                if let hold = decision.hold { fields["held"] = decision.suspension?.description ?? hold.rawValue }
                return fields
            }
            let count = outline.counts[rule.name] ?? 0
            var fields: [String: Any] = ["name": rule.name, "action": rule.action.rawValue, "count": count, "entries": entries]
            // Absent, not 0, when every decision is listed: Mustache takes 0 for a section to show.
            if count > entries.count { fields["cut"] = Self.cut(listed: entries.count, of: count, cap: listedPerRule) }
            return fields
        }
        return forecastContext().merging([
            "generated_at": ProviderTimestamp.format(generatedAt), "source": source,
            "mode": enforce ? "enforcing (enforce = true)" : "report-only (enforce = false)",
            "width": Self.number(Self.chartLeft + Self.chartWidth + 20), "height": Self.number(height), "axis_y": Self.number(height - 14),
            "lanes": lanes, "ticks": ticks, "marks": marks, "bars": bars, "has_timeline": !marks.isEmpty || !bars.isEmpty,
            "aggregated": !bars.isEmpty, "mark_count": report.marks.count,
            "providers": report.byProvider.map { row($0, true) }, "owners": report.byOwner.map { row($0, false) },
            "rules": decided, "held_sentence": Self.held(outline.held), "timeline_days": Self.timelineDays, "stale_days": Self.staleDays,
            "window_days": Self.windowDays,
        ]) { _, own in own }
    }

    static func number(_ value: Double) -> String { String(format: "%.1f", value) }

    // MARK: - Markdown

    /// The page as Markdown: the same tables, the timeline as counts per week.
    public func markdown() -> String {
        var lines = [
            "# tokenwarden inventory report", "",
            "Generated \(ProviderTimestamp.format(generatedAt)) from \(Self.escape(source)); "
                + (enforce ? "enforcing (enforce = true)." : "report-only (enforce = false)."), "",
            "## Expiring in the next \(Self.timelineDays) days", "",
        ]
        var weeks: [String: [Int: Int]] = [:]
        for mark in report.marks {
            weeks[mark.provider, default: [:]][Int(mark.expiresAt.timeIntervalSince(generatedAt) / 86_400) / 7, default: 0] += 1
        }
        for (provider, days) in report.dayCounts {
            for (day, count) in days { weeks[provider, default: [:]][day / 7, default: 0] += count }
        }
        let weekCount = Self.timelineDays / 7 + 1
        if weeks.isEmpty {
            lines.append("No token expires in the next \(Self.timelineDays) days.")
        } else {
            lines.append("| provider | " + (0..<weekCount).map { "week \($0 + 1)" }.joined(separator: " | ") + " |")
            lines.append("| --- |" + String(repeating: " ---: |", count: weekCount))
            for (provider, counts) in weeks.sorted(by: { $0.key < $1.key }) {
                lines.append("| \(Self.escape(provider)) | " + (0..<weekCount).map { String(counts[$0] ?? 0) }.joined(separator: " | ") + " |")
            }
        }
        let held = outline.heldByProvider
        lines += [
            "", "## By provider", "",
            "| provider | live tokens | never used | stale (\(Self.staleDays)d) | expiring (\(Self.windowDays)d) "
                + "| rotated (\(Self.windowDays)d) | held decisions |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for row in report.byProvider {
            lines.append(
                "| \(Self.escape(row.key)) | \(row.tokens) | \(row.neverUsed) | \(row.stale) | \(row.expiring) | \(row.rotated) "
                    + "| \(held[row.key] ?? 0) |"
            )
        }
        lines += [
            "", "## By owner", "",
            "| owner | live tokens | never used | stale (\(Self.staleDays)d) | expiring (\(Self.windowDays)d) | rotated (\(Self.windowDays)d) |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for row in report.byOwner {
            lines.append("| \(Self.escape(row.key)) | \(row.tokens) | \(row.neverUsed) | \(row.stale) | \(row.expiring) | \(row.rotated) |")
        }
        lines += ["", "## Policy decisions", ""]
        for rule in rules {
            let listed = outline.listed[rule.name] ?? []
            let count = outline.counts[rule.name] ?? 0
            lines.append("### \(Self.escape(rule.name)) (\(rule.action.rawValue)): \(count)")
            lines.append("")
            for entry in listed {
                let decision = entry.decision
                let hold = decision.hold.map { " **[held: \(Self.escape(decision.suspension?.description ?? $0.rawValue))]**" } ?? ""
                lines.append(
                    "- \(Self.codeSpan(decision.token.reference)) “\(Self.escape(decision.token.name))”: \(Self.escape(decision.reason))\(hold)"
                )
            }
            if count > listed.count { lines.append("- " + Self.cut(listed: listed.count, of: count, cap: listedPerRule)) }
            lines.append("")
        }
        lines += [Self.held(outline.held), ""]
        return lines.joined(separator: "\n") + "\n"
    }

    /// Provider text (a token id) as one Markdown code span: on one line (line breaks and controls as
    /// `\u{…}`, so no line of it can become raw HTML or a heading), with no backtick to end the span early.
    static func codeSpan(_ text: String) -> String {
        "`" + text.terminalSafe.replacingOccurrences(of: "`", with: "'") + "`"
    }

    /// Provider text made inert in Markdown: the characters that start emphasis, code, links or a
    /// table cell backslash-escaped, `<` and `>` as
    /// entities (Markdown renderers pass raw HTML through), line breaks as spaces.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text.terminalSafe {
            switch character {
            case "\\", "`", "*", "_", "[", "]", "|": escaped += "\\" + String(character)
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "&": escaped += "&amp;"
            case "\n", "\r": escaped += " "
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
