import ArgumentParser
import Foundation
import TokenWardenConfig
import TokenWardenCore
import TokenWardenJournal
import TokenWardenLifecycle
import TokenWardenProviders
import TokenWardenStore

/// `tokenwarden rotate TOKEN`: an admin's rotation, through the same state machine enforced policy uses.
struct Rotate: ConfiguredCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Rotate one token now: create its successor, deliver the secret, then revoke the old one.",
        discussion: """
            TOKEN is PROVIDER/ID (e.g. awx-main/42) or a token name that is unique in the inventory. \
            The new token gets the old one's name, exactly its scopes, and its lifetime where the \
            provider allows it. A provider creates a token only for whoever signs in, so the new token \
            belongs to the old one's owner only when tokenwarden signs in as that owner: with the \
            provider's main credential when that is the owner's, or with a [[provider.owner]] \
            credential for it; otherwise the rotation is refused, and a new token found to belong to \
            anyone else is revoked at once, undelivered. Its secret goes where \
            the first rotate rule matching the token says (deliver.file or deliver.command), or to \
            --deliver-file. The old token stays valid for the rule's overlap (or --overlap); with an \
            overlap the old token is revoked by the daemon, or by the next `tokenwarden sync`, once it \
            has passed. With --overlap 0s it is revoked before this command returns.

            Every step is committed to the token database before the next call, so a crash resumes \
            or undoes the rotation on the next start. If delivery fails, the new token is revoked and \
            the old one is untouched. `tokenwarden history TOKEN` shows each step.

            Before anything is created, the delivery target is checked: the file's directory must \
            exist and be writable by tokenwarden, the command must be executable. A snoozed or exempt \
            token is refused unless --override-suspension --reason TEXT is given. Run while the daemon \
            is in a cycle, it waits for that cycle to end (up to 10 minutes).

            Planning Center has no API to create tokens; tokenwarden never rotates its own credential.

            Examples:
              tokenwarden rotate awx-main/42 --yes
              tokenwarden rotate deploy-bot --deliver-file /etc/deploy/token --overlap 10m
            """
    )

    @OptionGroup var options: ConfigOptions

    @Argument(help: ArgumentHelp("PROVIDER/ID or a unique token name.", valueName: "token"))
    var token: String

    @Option(
        help: ArgumentHelp("Write the new secret atomically (mode 0600) to this absolute path instead of the rule's delivery.", valueName: "path"))
    var deliverFile: String?

    @Option(help: ArgumentHelp("How long the old token stays valid after delivery (e.g. 10m, 1h, 0s).", valueName: "span"))
    var overlap: String?

    @Flag(help: "Do not ask for confirmation.")
    var yes = false

    @Flag(
        help: """
            Finish a rotation of TOKEN (the old token) that waits for its overlap or for its successor's first use: \
            revoke the old token now. Recorded with who ran it. A rotation under way is finished whatever a snooze or \
            exemption set since says, as the daemon would finish it after the overlap.
            """)
    var finish = false

    @OptionGroup var suspension: SuspensionOverride

    @Flag(help: "Print the outcome as one JSON object (docs/json.md).")
    var json = false

    func validate() throws {
        if let deliverFile, !deliverFile.hasPrefix("/") || deliverFile.hasSuffix("/") {
            throw ValidationError("--deliver-file must be an absolute path to a file, not \"\(deliverFile)\"")
        }
        if let overlap {
            do { _ = try TimeSpan(parsing: overlap) } catch { throw ValidationError("--overlap: \(error)") }
        }
    }

    func run(_ context: CommandContext) async throws {
        if finish { return try await finishRotation(context) }
        let admin = AdminIdentity.current(environment: context.environment)
        let (configuration, policies) = try context.configurationWithPolicies()
        let store = try configuration.openStore()
        let policy = PolicyContext(configuration: configuration, policies: policies, environment: context.environment)
        let (target, provider) = try NamedToken.resolve(token, in: store, configuration: configuration, verb: "rotate")
        let (delivery, rule) = try destination(of: target, provider: provider, policy: policy, store: store)
        let held = try suspension.suspension(of: target, in: store, verb: "rotate", at: Date())
        try SuspensionOverride.warnIfPaused(target, in: store, verb: "rotate", at: Date())
        let span = try overlap.map { text in try TimeSpan(parsing: text) } ?? rule?.overlap ?? Rule.defaultOverlap
        guard
            try Confirmation.ask(
                "Rotate \(target.reference) \"\(target.name)\" at \(provider.kind.displayName), delivering to \(delivery), overlap \(span)?"
                    + SuspensionOverride.question(held),
                yes: yes, verb: "rotate")
        else { throw Refusal("not rotated") }
        // Taken after the question, so an open prompt never holds the daemon's cycles back.
        let cycle = try await context.exclusiveCycle(configuration)
        defer { withExtendedLifetime(cycle) {} }
        // Checked again: the daemon, or another admin, may have acted while we asked and waited.
        guard let current = try store.token(provider: target.provider, id: target.id), current.state == .active else {
            throw Refusal("\(target.reference) stopped being active while you were asked (`tokenwarden history \(target.reference)`)")
        }
        let heldNow = try suspension.suspension(of: current, in: store, verb: "rotate", at: Date())
        let signers = try policy.signers(store: store)
        guard signers.covers(target) else { throw Refusal("cannot rotate \(target.reference): \(signers.missingCredential(for: target))") }
        let http = context.http(for: configuration)
        let driver = try DriverFactory.driver(
            for: provider, stateDirectory: configuration.daemon.stateDirectory, http: http, environment: context.environment)
        let starter = RotationStarter(
            rotator: rotator(configuration, http: http, store: store, environment: context.environment),
            creator: DriverFactory.creators(for: configuration, http: http, environment: context.environment))
        guard let lock = try await starter.lock() else {
            throw Refusal("another tokenwarden process has been rotating for 30 seconds; try again when it is done")
        }
        let signer: any ProviderDriver
        do { signer = try starter.signer(for: current, main: driver) } catch { throw Refusal("cannot rotate \(target.reference): \(error)") }
        // As late as can be: a refusal before this point leaves no override in the audit trail.
        if let heldNow { try suspension.record(heldNow, of: current, in: store, verb: "rotate", by: admin, at: Date()) }
        let record = try await starter.rotate(
            current, delivery: delivery, overlap: span, rule: deliverFile == nil ? rule?.name : nil, mode: .manual,
            reason: "rotated by \(admin.description) with `tokenwarden rotate`", actorUID: admin.uid, driver: driver, signer: signer, holding: lock)
        let event = JournalEvent.rotation(record, token: try store.token(provider: record.provider, id: record.tokenID))
        CommandJournal.record([event])
        if json {
            try ActionJSON.print(command: "rotate", token: target, outcome: record.state.rawValue, error: record.failure, rotation: record)
        } else {
            print(EventLine.render(event))
        }
        // Planned: the create's outcome is not known yet; the next sync or daemon cycle settles it.
        if [.failed, .compensating, .planned].contains(record.state) { throw ExitCode.failure }
    }

    /// `--finish`: revokes the old token of TOKEN's delivered rotation by hand.
    func finishRotation(_ context: CommandContext) async throws {
        let by = AdminIdentity.current(environment: context.environment).description
        let configuration = try context.configuration()
        let store = try configuration.openStore()
        let target = try store.resolve(token)
        try SuspensionOverride.warnIfPaused(target, in: store, verb: "rotate --finish", at: Date())
        guard let waiting = try store.unfinishedRotations().first(where: { $0.reference == target.reference && $0.state == .delivered }),
            let provider = configuration.provider(id: target.provider)
        else {
            throw Refusal(
                "\(target.reference) has no rotation waiting to revoke it (`tokenwarden status` lists rotations in progress); "
                    + "name the old token of a delivered rotation")
        }
        guard
            try Confirmation.ask(
                "Revoke \(target.reference) \"\(target.name)\" now, the old token of a rotation whose new token \(waiting.newTokenID ?? "?") "
                    + "was delivered\(waiting.stalledAt != nil ? " but never seen in use" : "")?", yes: yes, verb: "revoke")
        else { throw Refusal("not finished") }
        let http = context.http(for: configuration)
        let driver = try DriverFactory.driver(
            for: provider, stateDirectory: configuration.daemon.stateDirectory, http: http, environment: context.environment)
        let rotator = rotator(configuration, http: http, store: store, environment: context.environment)
        let cycle = try await context.exclusiveCycle(configuration)
        defer { withExtendedLifetime(cycle) {} }
        // One process drives rotations at a time; the daemon may have finished it while we asked.
        guard let lock = try await RotationLock.acquire(spool: rotator.spool, patience: RotationStarter.lockPatience) else {
            throw Refusal("another tokenwarden process has been rotating for 30 seconds; try again when it is done")
        }
        defer { withExtendedLifetime(lock) {} }
        guard let record = try store.rotation(id: waiting.id), record.state == .delivered else {
            throw Refusal("the rotation of \(target.reference) moved on meanwhile (`tokenwarden history \(target.reference)` says how)")
        }
        let done = try await rotator.finish(record, token: target, driver: driver, by: by)
        let event = JournalEvent.rotation(done, token: try store.token(provider: done.provider, id: done.tokenID))
        CommandJournal.record([event])
        if json {
            try ActionJSON.print(command: "rotate", token: target, outcome: done.state.rawValue, error: done.failure, rotation: done)
        } else {
            print(EventLine.render(event))
        }
    }

    /// The rotator an admin's rotation steps through, as the daemon's (`CycleSetup.rotationStarter`).
    /// With the keeper of tokenwarden's own credentials: `--finish` on an own-credential rotation
    /// revokes the old token signed in with the successor, and drops the old secret.
    func rotator(_ configuration: Configuration, http: ProviderHTTPClient, store: TokenStore, environment: [String: String]) -> TokenRotator {
        TokenRotator(
            store: store, spool: SecretSpool(stateDirectory: configuration.daemon.stateDirectory), createSettles: http.policy.createSettles,
            giveUpAfter: configuration.daemon.giveUpAfter,
            keeper: OwnCredentialKeeper(configuration: configuration, http: http, environment: environment, now: { Date() }))
    }

    /// Where the new secret goes (`--deliver-file`, else the rotate rule matching the token) and that
    /// rule; refused when the provider cannot create tokens, the token is not active, the file is in
    /// the state directory, no rule says where, or the rule's one destination serves several tokens.
    func destination(of target: Token, provider: ProviderConfig, policy: PolicyContext, store: TokenStore) throws -> (Delivery, Rule?) {
        let configuration = policy.configuration
        guard provider.kind.capabilities.isSuperset(of: RuleAction.rotate.requiredCapabilities) else {
            throw Refusal(
                "\(provider.kind.displayName) has no API to create tokens, so tokenwarden cannot rotate \(target.reference); replace it in "
                    + "the provider's web interface"
            )
        }
        guard target.state == .active else {
            throw Refusal("\(target.reference) is \(target.state.rawValue); only an active token can be rotated")
        }
        if let deliverFile, PolicyLoader.isInside(deliverFile, configuration.daemon.stateDirectory) {
            throw Refusal(
                "--deliver-file \(deliverFile) is inside the state directory \(configuration.daemon.stateDirectory), where it could "
                    + "overwrite the token database; deliver elsewhere"
            )
        }
        let rule = policy.policies.rules.first {
            $0.action == .rotate && $0.match.matches(target)
                && $0.applicability(to: configuration.providers).providers.contains { $0.id == target.provider }
        }
        guard let delivery = deliverFile.map({ Delivery.file(path: $0) }) ?? rule?.delivery.map({ $0.resolved(for: target) }) else {
            throw Refusal(
                "no rotate rule matches \(target.reference), so tokenwarden does not know where the new secret goes; give --deliver-file PATH")
        }
        // Before anything is created: a target that cannot take the secret would only churn the provider.
        do { try SecretDeliverer().check(delivery) } catch {
            throw Refusal("\(error); nothing was created at \(provider.id)")
        }
        if deliverFile == nil, let rule, let served = try policy.sharedDestinations(store: store)[rule.name] {
            throw Refusal(
                "rule \(rule.name) delivers every token it selects to one \(rule.delivery?.destination ?? "destination"), and it selects "
                    + "\(served.joined(separator: ", ")): "
                    + "rotating one would overwrite the secret the others' consumers read. Give --deliver-file PATH, or narrow the rule")
        }
        return (delivery, rule)
    }
}
