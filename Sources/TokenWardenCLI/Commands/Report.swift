import ArgumentParser
import Foundation
import TokenWardenCore
import TokenWardenLifecycle
import TokenWardenStore

/// `tokenwarden report --html FILE` / `--markdown FILE`.
struct Report: ConfiguredCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the inventory as one page to look at: HTML (with an expiry chart) or Markdown.",
        discussion: """
            The page holds the expiry timeline of the next 90 days by provider (an inline SVG, one \
            mark per token; one bar per day when there are more than 2,000), tables by provider and \
            by owner (live tokens, never used, stale, expiring, rotated in the last 30 days, held \
            decisions), and what policy decides now, with reasons. It is self-contained: no scripts, \
            nothing fetched from elsewhere, so it can be mailed or published as is. Provider text is \
            escaped. Nothing is written to any provider; the file is written with mode 0644.

            Examples:
              tokenwarden report --html /var/www/audit/tokens.html
              tokenwarden report --markdown - | mail -s "token inventory" audit@example.com
            """
    )

    @OptionGroup var options: ConfigOptions

    @Option(help: ArgumentHelp("Write the HTML page here (- for standard output).", valueName: "file"))
    var html: String?

    @Option(help: ArgumentHelp("Write the Markdown page here (- for standard output).", valueName: "file"))
    var markdown: String?

    @Option(help: ArgumentHelp("The most tokens listed under one rule (default 1000); the page says when a rule has more.", valueName: "n"))
    var limit = ReportPage.defaultListedPerRule

    func validate() throws {
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
        if (html == nil) == (markdown == nil) { throw ValidationError("give --html FILE or --markdown FILE (one of them)") }
    }

    func run(_ context: CommandContext) async throws {
        let (configuration, policies) = try context.configurationWithPolicies()
        let store = try configuration.openInventory()
        let now = Date()
        let policy = PolicyContext(configuration: configuration, policies: policies)
        // Not memory-mapped: mapped pages count in RSS (peak 383 MiB at 1M tokens; 43 MiB without
        // the map, and 1.76 s: `make bench`, docs/benchmarks.md).
        let (outline, _) = try policy.outline(store: store, listing: limit, now: now, mapped: false)
        let day: TimeInterval = 86_400
        let report = try store.inventoryReport(
            at: now, lastUse: Set(configuration.providers.filter { $0.kind.capabilities.contains(.lastUsed) }.map(\.id)),
            staleAfter: Double(ReportPage.staleDays) * day, expiringWithin: Double(ReportPage.windowDays) * day,
            rotatedWithin: Double(ReportPage.windowDays) * day, timeline: Double(ReportPage.timelineDays) * day,
            markLimit: ReportPage.markLimit)
        var page = ReportPage(
            report: report, outline: outline, rules: policies.rules, enforce: configuration.daemon.enforce, generatedAt: now,
            source: configuration.databasePath, listedPerRule: limit)
        page.forecast = try policy.forecast(store: store, weeks: 12, now: now, listing: false).forecast
        let (text, path) = html.map { (page.html(), $0) } ?? (page.markdown(), markdown ?? "-")
        if path == "-" {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        // Whole or not at all, and mode set on the descriptor before the name points at it: a name
        // swapped for a symlink meanwhile is replaced, never followed (FileManager chmods by name).
        let warnings: [String]
        do {
            warnings = try AtomicFile.write(Data(text.utf8), to: path, mode: 0o644)
        } catch {
            throw Refusal("cannot write the report: \(error)")
        }
        for warning in warnings { StandardError.warning(warning) }
        print("wrote \(path)")
    }
}
