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
            (`tokenwarden history TOKEN`). A token the provider no longer has counts as revoked; one \
            the inventory already has as revoked or gone is not asked for again.

            A snoozed or exempt token is refused, naming who set it and why; \
            --override-suspension --reason TEXT acts anyway, and records that and why.

            tokenwarden will not revoke its own credential (a provider's self_token_id, or the SailPoint \
            PAT it signs in with). Planning Center has no revoke API: revoke those in its web UI.

            Run while the daemon is in a cycle, it waits for that cycle to end (up to 10 minutes).

            Examples:
              tokenwarden revoke awx-main/42 --yes
              tokenwarden revoke awx-main/41 --override-suspension --reason "leaked, CHG-77"
            """
    )

    @OptionGroup var options: ConfigOptions

    @Argument(help: ArgumentHelp("PROVIDER/ID or a unique token name.", valueName: "token"))
    var token: String

    @Flag(help: "Do not ask for confirmation.")
    var yes = false

    @OptionGroup var suspension: SuspensionOverride

    @Flag(help: "Print the outcome as one JSON object (docs/json.md).")
    var json = false

    func run(_ context: CommandContext) async throws {
        let admin = AdminIdentity.current(environment: context.environment)
        let configuration = try context.configuration()
        let store = try configuration.openStore()
        let (target, provider) = try NamedToken.resolve(token, in: store, configuration: configuration, verb: "revoke")
        // Nothing to ask the provider: the inventory already knows it is revoked or gone. An expired
        // token may still be listed there, and removing it is what the admin asks for.
        guard target.state != .revoked, target.state != .gone else {
            return try say(
                target, "already_\(target.state.rawValue)",
                "\(target.reference) \"\(target.name)\" is already \(target.state.rawValue); nothing to revoke")
        }
        let held = try suspension.suspension(of: target, in: store, verb: "revoke", at: Date())
        try SuspensionOverride.warnIfPaused(target, in: store, verb: "revoke", at: Date())
        guard
            try Confirmation.ask(
                "Revoke \(target.reference) \"\(target.name)\" at \(provider.kind.displayName)?\(SuspensionOverride.question(held))", yes: yes,
                verb: "revoke")
        else { throw Refusal("not revoked") }
        // Taken after the question, so an open prompt never holds the daemon's cycles back.
        let lock = try await context.exclusiveCycle(configuration)
        defer { withExtendedLifetime(lock) {} }
        // Checked again: the daemon, or another admin, may have acted while we asked and waited.
        guard let current = try store.token(provider: target.provider, id: target.id), current.state != .revoked, current.state != .gone else {
            throw Refusal("\(target.reference) was revoked while you were asked (`tokenwarden history \(target.reference)`)")
        }
        if let heldNow = try suspension.suspension(of: current, in: store, verb: "revoke", at: Date()) {
            try suspension.record(heldNow, of: current, in: store, verb: "revoke", by: admin, at: Date())
        }
        let driver = try DriverFactory.driver(
            for: provider, stateDirectory: configuration.daemon.stateDirectory, http: context.http(for: configuration))
        let outcome = try await TokenRevoker(store: store, giveUpAfter: configuration.daemon.giveUpAfter).revoke(
            target, with: driver, mode: .manual, rule: nil, reason: "revoked by \(admin.description) with `tokenwarden revoke`",
            actorUID: admin.uid)
        CommandJournal.record([JournalEvent.revoke(outcome, token: target, rule: nil)])
        switch outcome {
        case .revoked: try say(target, "revoked", "revoked \(target.reference) \"\(target.name)\"")
        case .alreadyGone: try say(target, "already_gone", "\(target.reference) \"\(target.name)\" was already gone at the provider")
        case .failed(let reason):
            if json { try ActionJSON.print(command: "revoke", token: target, outcome: "failed", error: reason) }
            StandardError.error("\(target.reference) was not revoked: \(reason)")
            throw ExitCode.failure
        }
    }

    /// The outcome: one JSON object with --json, else `line` for a person.
    func say(_ target: Token, _ outcome: String, _ line: String) throws {
        guard !json else { return try ActionJSON.print(command: "revoke", token: target, outcome: outcome) }
        print(line.terminalSafe)
    }
}
