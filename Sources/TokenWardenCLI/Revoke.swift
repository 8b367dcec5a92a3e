import ArgumentParser
import Foundation
import TokenWardenCore
import TokenWardenJournal
import TokenWardenLifecycle
import TokenWardenProviders

/// `tokenwarden revoke TOKEN`: an admin's revoke, through the same path enforced policy uses.
struct Revoke: ConfiguredCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke one token now, through its provider's API.",
        discussion: """
            TOKEN is PROVIDER/ID (e.g. awx-main/42) or a token name that is unique in the inventory. \
            tokenwarden asks for confirmation on a terminal; scripts pass --yes. The attempt is \
            written to the audit trail before the provider is called and its result after \
            (`tokenwarden history TOKEN`). A token the provider no longer has counts as revoked.

            tokenwarden will not revoke its own credential (a provider's self_token_id, or the SailPoint \
            PAT it signs in with). Planning Center has no revoke API: revoke those in its web UI.

            Example:
              tokenwarden revoke awx-main/42 --yes
            """
    )

    @OptionGroup var options: ConfigOptions

    @Argument(help: ArgumentHelp("PROVIDER/ID or a unique token name.", valueName: "token"))
    var token: String

    @Flag(help: "Do not ask for confirmation.")
    var yes = false

    func run(_ context: CommandContext) async throws {
        let configuration = try context.configuration()
        let store = try configuration.openStore()
        let (target, provider) = try NamedToken.resolve(token, in: store, configuration: configuration, verb: "revoke")
        guard try Confirmation.ask("Revoke \(target.reference) \"\(target.name)\" at \(provider.kind.displayName)?", yes: yes, verb: "revoke")
        else { throw Refusal("not revoked") }
        let driver = try DriverFactory.driver(for: provider, http: context.http(for: configuration))
        let outcome = try await TokenRevoker(store: store, giveUpAfter: configuration.daemon.giveUpAfter).revoke(
            target, with: driver, mode: .manual, rule: nil, reason: "revoked by an admin with `tokenwarden revoke`")
        CommandJournal.record([JournalEvent.revoke(outcome, token: target, rule: nil)])
        switch outcome {
        case .revoked: print("revoked \(target.reference) \"\(target.name)\"".terminalSafe)
        case .alreadyGone: print("\(target.reference) \"\(target.name)\" was already gone at the provider".terminalSafe)
        case .failed(let reason):
            StandardError.error("\(target.reference) was not revoked: \(reason)")
            throw ExitCode.failure
        }
    }
}
