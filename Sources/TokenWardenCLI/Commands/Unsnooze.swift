import ArgumentParser
import Foundation
import TokenWardenCore
import TokenWardenStore

/// `tokenwarden unsnooze TOKEN`.
struct Unsnooze: ConfiguredCommand {
    static let configuration = CommandConfiguration(
        commandName: "unsnooze",
        abstract: "End a token's snooze or exemption: policy applies to it again from the next cycle.",
        discussion: """
            Recorded in the audit trail with who ran it. Notices start over: the threshold the token \
            is past now notifies at the next cycle.

            Example:
              sudo tokenwarden unsnooze awx-main/42 --reason "vendor did not renew it"
            """
    )

    @OptionGroup var options: ConfigOptions

    @Argument(help: ArgumentHelp("PROVIDER/ID or a unique token name.", valueName: "token"))
    var token: String

    @Option(help: ArgumentHelp("Why (kept in the audit trail).", valueName: "text"))
    var reason = "ended early"

    func run(_ context: CommandContext) async throws {
        let by = AdminIdentity.current(environment: context.environment)
        let configuration = try context.configuration()
        let store = try configuration.openStore()
        let target = try store.resolve(token)
        guard
            let lifted = try store.lift(
                provider: target.provider, tokenID: target.id, by: by.description, byUID: by.uid, reason: reason, at: Date())
        else {
            throw Refusal("\(target.reference) is neither snoozed nor exempt")
        }
        print("\(target.reference) \"\(target.name)\" is no longer \(lifted.kind == .snooze ? "snoozed" : "exempt")".terminalSafe)
    }
}
