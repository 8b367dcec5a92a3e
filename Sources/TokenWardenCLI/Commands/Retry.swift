import ArgumentParser
import Foundation
import TokenWardenCore
import TokenWardenStore

/// `tokenwarden retry TOKEN --reason TEXT`: re-arms the writes tokenwarden gave up on.
struct Retry: ConfiguredCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Re-arm a token's revoke or rotation after tokenwarden gave up on it.",
        discussion: """
            A revoke or rotation step that fails [daemon] give_up_after times in a row (6 by default) \
            for one token is not tried again: `tokenwarden status` lists it as gave-up and the journal \
            has a gave-up entry. Mend the cause first (`tokenwarden history TOKEN` shows each failure), \
            then re-arm it: the next cycle tries again, with a fresh count. Recorded in the audit trail \
            with who ran it and why.

            Example:
              sudo tokenwarden retry awx-main/42 --reason "delivery directory fixed"
            """
    )

    @OptionGroup var options: ConfigOptions

    @Argument(help: ArgumentHelp("PROVIDER/ID or a unique token name.", valueName: "token"))
    var token: String

    @Option(help: ArgumentHelp("Why it can work now (kept in the audit trail).", valueName: "text"))
    var reason: String

    func run(_ context: CommandContext) async throws {
        let by = AdminIdentity.current(environment: context.environment)
        let configuration = try context.configuration()
        let store = try configuration.openStore()
        let target = try store.resolve(token)
        guard
            let run = try store.rearmWrites(
                provider: target.provider, tokenID: target.id, by: by.description, byUID: by.uid, reason: reason, at: Date())
        else {
            throw Refusal("tokenwarden has not given up on \(target.reference): nothing to re-arm (`tokenwarden status` lists what it gave up on)")
        }
        print(
            "\(target.reference) \"\(target.name)\" is re-armed after \(run.failures) failures in a row: the next cycle tries again"
                .terminalSafe)
    }
}
