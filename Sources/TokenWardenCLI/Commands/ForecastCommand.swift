import ArgumentParser
import Foundation
import TokenWardenCore
import TokenWardenLifecycle
import TokenWardenStore

/// `tokenwarden forecast [--weeks N] [--json]`.
struct ForecastCommand: ConfiguredCommand {
    static let configuration = CommandConfiguration(
        commandName: "forecast",
        abstract: "Show what comes due week by week: expiries, the revokes and rotations rules will make due, notices.",
        discussion: """
            Projects today's inventory forward, assuming nothing changes: no token is used again, \
            renewed or replaced by hand. Weeks start on Monday in the host's time zone (TZ \
            honoured). A rule comes due when all of its triggers hold (when.expires_within, \
            when.age_over, when.unused_for, when.expired); a token's first revoke or rotation ends \
            what it would bring after. What is due already is `tokenwarden plan`'s.

            A pile-up is a day on which more revokes and rotations come due at one provider than \
            its max_actions_per_cycle allows per cycle: the rest wait for later cycles, so spread \
            them out beforehand (rotate some early with `tokenwarden rotate`).

            Examples:
              tokenwarden forecast
              tokenwarden forecast --weeks 26 --json
            """
    )

    @OptionGroup var options: ConfigOptions

    @Option(help: ArgumentHelp("How many weeks, from this one (1 to 104).", valueName: "n"))
    var weeks = 12

    @Flag(help: "Print one JSON object (docs/json.md): every token, not only the counts.")
    var json = false

    func validate() throws {
        guard (1...104).contains(weeks) else { throw ValidationError("--weeks must be between 1 and 104, not \(weeks)") }
    }

    func run(_ context: CommandContext) async throws {
        let (configuration, policies) = try context.configurationWithPolicies()
        let store = try configuration.openInventory()
        let policy = PolicyContext(configuration: configuration, policies: policies, environment: context.environment)
        let now = Date()
        let (forecast, pileUps) = try policy.forecast(store: store, weeks: weeks, now: now)
        // What is due already (plan's): counted in one SQL pass, so the weeks ahead are not read alone.
        let due = try policy.outline(store: store, listing: 0, now: now).outline
        if json { return try JSONOutput.print(ForecastJSON(forecast, pileUps: pileUps, dueNow: due.writes, heldNow: due.held)) }
        print(Self.render(forecast, pileUps: pileUps, dueNow: due.writes, heldNow: due.held))
    }

    /// A table of weeks with counts by provider, then the pile-ups.
    static func render(_ forecast: Forecast, pileUps: [Forecast.PileUp], dueNow: Int = 0, heldNow: Int = 0) -> String {
        func byProvider(_ items: [Forecast.Due]) -> String {
            let counts = Dictionary(grouping: items, by: \.provider).mapValues(\.count).sorted { $0.key < $1.key }
            return items.isEmpty ? "0" : "\(items.count) (" + counts.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"
        }
        var table = TextTable("WEEK OF", "EXPIRING", "REVOKES/ROTATIONS DUE", "NOTICES")
        for week in forecast.weeks {
            table.append([week.day, String(week.expiring.count), byProvider(week.actions), String(week.notices.count)])
        }
        var lines = [
            "due now, before these weeks: \(dueNow) revokes and rotations, \(heldNow) decisions held (`tokenwarden plan` lists them)\n",
            table.render(),
        ]
        if pileUps.isEmpty {
            lines.append("\nno pile-ups: no provider has more writes due on one day than its max_actions_per_cycle")
        } else {
            lines.append("\npile-ups (more writes due on one day than one cycle may make; the rest wait for later cycles):")
            lines += pileUps.map { "  \($0.day) \($0.provider): \($0.actions) due, max_actions_per_cycle \($0.limit)" }
        }
        lines.append("`tokenwarden forecast --json` lists every token")
        return lines.joined(separator: "\n")
    }
}
