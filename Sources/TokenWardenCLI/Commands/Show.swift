import ArgumentParser
import Foundation
import TokenWardenCore
import TokenWardenLifecycle
import TokenWardenStore

/// `tokenwarden show TOKEN`: every fact about one token and its recent history.
struct Show: ConfiguredCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show everything tokenwarden knows about one token.",
        discussion: """
            TOKEN is PROVIDER/ID (e.g. awx-main/42) or a token name that is unique in the inventory.

            Examples:
              tokenwarden show sailpoint-prod/86f1dc6fe8f54414950454cbb11278fa
              tokenwarden show deploy-bot --json
            """
    )

    @OptionGroup var options: ConfigOptions
    @OptionGroup var time: TimeOptions

    @Argument(help: ArgumentHelp("PROVIDER/ID or a unique token name.", valueName: "token"))
    var token: String

    @Flag(help: "Print a JSON object (the `tokens --json` fields plus extras).")
    var json = false

    func run(_ context: CommandContext) throws {
        do {
            let (configuration, _) = try context.configurationForReading(credentials: true)
            let store = try configuration.openInventory()
            let found = try store.resolve(token)
            let own = PolicyContext.ownTokens(of: configuration, environment: context.environment).contains(found.reference)
            let now = Date()
            let suspension = try store.suspensions(at: now)[found.reference]
            if json {
                try JSONOutput.print(TokenJSON(token: found, includeExtras: true, suspension: suspension, ownCredential: own))
                return
            }
            var facts: [(String, String)] = [
                ("token", found.reference), ("name", found.name), ("state", found.state.rawValue),
                ("owner", found.owner ?? "-"), ("scopes", found.scopes.isEmpty ? "-" : found.scopes.joined(separator: ", ")),
                ("created", time.human.instant(found.createdAt)), ("expires", time.human.day(found.expiresAt, relativeTo: now)),
                ("last used", time.human.day(found.lastUsedAt, relativeTo: now)),
                ("first seen", time.human.instant(found.firstSeenAt)), ("last seen", time.human.instant(found.lastSeenAt)),
            ]
            if found.baseName != nil || found.successorOf != nil || found.lineageName != found.name {
                facts.insert(("lineage", found.lineageName), at: 2)
            }
            if own { facts.insert(("credential", "tokenwarden's own: it signs in with this token; policy never revokes or rotates it"), at: 1) }
            if let predecessor = found.successorOf { facts.insert(("replaces", "\(found.provider)/\(predecessor)"), at: 3) }
            if let successor = try store.successors(provider: found.provider, of: found.id).last {
                facts.append(("replaced by", "\(found.provider)/\(successor)"))
            }
            if let rotation = try store.unfinishedRotations().first(where: { $0.reference == found.reference }) {
                let state =
                    rotation.stalledAt != nil
                    ? "switch-over stalled: the new token \(rotation.newTokenID ?? "?") is unused past its deadline; both tokens live"
                    : rotation.awaitsSwitchOver
                        ? "waiting for the first use of the new token \(rotation.newTokenID ?? "?"); both tokens live" : rotation.state.rawValue
                facts.append(("rotation", state))
            }
            if let suspension {
                facts.append(
                    (suspension.kind == .snooze ? "snoozed" : "exempt", suspension.description.replacingOccurrences(of: "snoozed ", with: "")))
            }
            if let kind = configuration.provider(id: found.provider)?.kind {
                facts.insert(("provider", "\(found.provider) (\(kind.displayName))"), at: 1)
            }
            facts += found.extras.sorted { $0.key < $1.key }.map { ("extra \($0.key)", $0.value) }
            let width = facts.map(\.0.count).max() ?? 0
            for (label, value) in facts { print("\(label.padding(toLength: width, withPad: " ", startingAt: 0))  \(value.terminalSafe)") }
            let history = try store.history(provider: found.provider, tokenID: found.id)
            print(
                "\nhistory (\(history.count) \(history.count == 1 ? "entry" : "entries"), newest last; "
                    + "`tokenwarden history \(found.reference)` for all):"
            )
            for entry in history.suffix(10) { print("  " + History.line(for: entry, showToken: false, time: time.human).terminalSafe) }
        }
    }
}
