import ArgumentParser
import Foundation
import TokenWardenCore
import TokenWardenLifecycle
import TokenWardenStore

/// `tokenwarden history [TOKEN]`: the audit trail, oldest first.
struct History: ConfiguredCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show the audit trail of one token or of the whole inventory.",
        discussion: """
            Each line is an observation (discovered, changed, disappeared, reappeared, with the facts that \
            changed), a policy decision or action (with its mode: report, enforce or manual, and the rule \
            that caused it), or a rotation step. Without TOKEN, the newest --limit entries of all tokens.

            Examples:
              tokenwarden history deploy-bot
              tokenwarden history awx-main/42 --json
              tokenwarden history --limit 200
            """
    )

    @OptionGroup var options: ConfigOptions
    @OptionGroup var time: TimeOptions

    @Argument(help: ArgumentHelp("PROVIDER/ID or a unique token name; omit for all tokens.", valueName: "token"))
    var token: String?

    @Option(help: ArgumentHelp("Without TOKEN, how many of the newest entries to show.", valueName: "n"))
    var limit: Int = 50

    @Flag(help: "Print a JSON array (occurred_at, provider, id, name, source, event, detail, rule).")
    var json = false

    func validate() throws {
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run(_ context: CommandContext) throws {
        do {
            let (configuration, _) = try context.configurationForReading()
            let store = try configuration.openInventory()
            let entries: [HistoryEntry]
            if let token {
                let found = try store.resolve(token)
                entries = try store.history(provider: found.provider, tokenID: found.id)
            } else {
                entries = try store.history(limit: limit)
            }
            if json {
                try JSONOutput.print(entries.map(HistoryJSON.init))
                return
            }
            guard !entries.isEmpty else {
                print("no history yet")
                return
            }
            for entry in entries { print(Self.line(for: entry, showToken: true, time: time.human).terminalSafe) }
        }
    }

    static func line(for entry: HistoryEntry, showToken: Bool, time: HumanTime = .utc) -> String {
        var parts = [time.instant(entry.occurredAt)]
        if showToken { parts.append("\(entry.provider)/\(entry.tokenID) \"\(entry.tokenName)\"") }
        parts.append(entry.source == .rotation ? "rotation \(entry.event)" : entry.event)
        if let rule = entry.rule { parts.append("[rule \(rule)]") }
        if !entry.detail.isEmpty { parts.append(entry.detail) }
        return parts.joined(separator: "  ")
    }
}
