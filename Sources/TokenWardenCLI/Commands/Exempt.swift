import ArgumentParser
import Foundation
import TokenWardenCore
import TokenWardenStore

/// `tokenwarden exempt TOKEN --reason TEXT`.
struct Exempt: ConfiguredCommand {
    static let configuration = CommandConfiguration(
        commandName: "exempt",
        abstract: "Leave one token alone for good: no notifications, no revoke, no rotation, until unsnooze.",
        discussion: """
            For a token policy must never touch (a break-glass token, one another team manages). \
            Policy still decides about it and `tokenwarden plan` shows the held decisions, but \
            nothing is sent or done. Who ran it (SUDO_USER and uid) and why go into the audit trail. \
            `tokenwarden unsnooze TOKEN` ends the exemption.

            Example:
              sudo tokenwarden exempt sailpoint/2c91… \\
                --reason "break-glass token, rotated by the IAM team"
            """
    )

    @OptionGroup var options: ConfigOptions

    @OptionGroup var suspension: TokenReasonOptions

    func run(_ context: CommandContext) async throws {
        let by = AdminIdentity.current(environment: context.environment)
        let configuration = try context.configuration()
        let store = try configuration.openStore()
        let target = try store.resolve(suspension.token)
        try store.suspend(
            provider: target.provider, tokenID: target.id,
            Suspension(kind: .exempt, until: nil, reason: suspension.reason, by: by.description, byUID: by.uid, at: Date()))
        print("exempted \(target.reference) \"\(target.name)\" until `tokenwarden unsnooze \(target.reference)`".terminalSafe)
    }
}
