import ArgumentParser
import Foundation
import TokenWardenConfig
import TokenWardenCore
import TokenWardenJournal
import TokenWardenLifecycle
import TokenWardenProviders
import TokenWardenStore

/// `tokenwarden rehearse PROVIDER [--owner NAME] [--json]`: a rotation's every step on a probe token.
struct Rehearse: ConfiguredCommand {
    static let configuration = CommandConfiguration(
        commandName: "rehearse",
        abstract: "Prove a rotation can work at a provider, on a probe token, before you enforce.",
        discussion: """
            Touches no existing token. With the provider's main credential (or, with --owner, that \
            owner's [[provider.owner]] credential) it: 1 lists the tokens; 2 creates a probe named \
            tokenwarden-rehearsal-<8 hex> with the shortest lifetime the provider allows; 3 checks \
            that the answer carries a secret; 4 checks that the probe belongs to whoever signed in, by \
            the answer and by the listing; 5 signs in with the probe's secret (AWX/AAP: me/ must name \
            the same user; SailPoint: a sign-in and a listing; Cryptlex and 12d Synergy: a listing); \
            6 checks that the listing shows the probe with every field tokenwarden reads, naming each \
            one missing; 7 revokes the probe; 8 confirms it is gone.

            Whatever fails, the probe is revoked before the command ends; a crash in the middle is \
            swept by the next rehearsal or cycle. The secret is never printed or stored. No \
            confirmation is asked and report-only mode does not stop it. Planning Center cannot \
            create tokens: only its listing is checked.

            The result is kept per provider and owner: `tokenwarden status` and `tokenwarden \
            validate` show the last one, and the journal has rehearsal-passed or rehearsal-failed.

            Exit 0 when every step passed, 1 when one failed, 2 for a usage or configuration error.

            Examples:
              sudo tokenwarden rehearse sailpoint-prod
              sudo tokenwarden rehearse awx-main --owner alice --json
            """
    )

    @OptionGroup var options: ConfigOptions

    @Argument(help: ArgumentHelp("The provider id ([[provider]] id).", valueName: "provider"))
    var provider: String

    @Option(help: ArgumentHelp("Rehearse with this owner's [[provider.owner]] credential.", valueName: "name"))
    var owner: String?

    @Flag(help: "Print JSON: {provider, owner, passed, failed_step, steps: [{number, name, result, evidence}]}.")
    var json = false

    func run(_ context: CommandContext) async throws {
        let configuration = try context.configuration()
        guard let config = configuration.provider(id: provider) else {
            let known = configuration.providers.map(\.id).joined(separator: ", ")
            StandardError.error("no provider has id \"\(provider)\" (configured: \(known.isEmpty ? "none" : known))")
            throw ExitCode(2)
        }
        let http = context.http(for: configuration)
        let (driver, main) = try DriverFactory.signedIn(
            config, stateDirectory: configuration.daemon.stateDirectory, http: http, environment: context.environment)
        var signer = driver
        var credential = main.credential
        if let owner {
            guard let entry = config.owners.first(where: { $0.name == owner }) else {
                let known = config.owners.map(\.name).joined(separator: ", ")
                StandardError.error(
                    "provider \(config.id) has no [[provider.owner]] named \"\(owner)\" (configured: \(known.isEmpty ? "none" : known))")
                throw ExitCode(2)
            }
            credential = try CredentialLoader(environment: context.environment).load(entry.credential, kind: config.kind).credential
            signer = try ProviderDrivers.make(for: config, credential: credential, http: http)
        }
        let store = try configuration.openStore()
        try SuspensionOverride.warnIfPaused(config.id, in: store, doing: "rehearsal (a probe token is created and revoked)", at: Date())
        let lock = try await context.exclusiveCycle(configuration)
        defer { withExtendedLifetime(lock) {} }
        let now = Date()
        try await Rehearsal.sweep(provider: config.id, driver: driver, store: store, settles: http.policy.createSettles, now: now)
        var signerTokenID: String?
        if case .pair(let id, _) = credential.value, config.kind == .sailPoint { signerTokenID = id }
        if owner == nil, signerTokenID == nil { signerTokenID = main.tokenID(of: config) }
        let record = try await Rehearsal(
            provider: config, driver: driver, signer: signer, signerTokenID: signerTokenID, owner: owner, store: store,
            probeDriver: { credential in try ProviderDrivers.make(for: config, credential: credential, http: http) }
        ).run()
        CommandJournal.record([JournalEvent.rehearsal(record)])
        if json {
            try JSONOutput.print(RehearsalJSON(record))
        } else {
            print(Self.render(record))
        }
        if record.passed != true { throw ExitCode.failure }
    }

    static func render(_ record: RehearsalRecord) -> String {
        var table = TextTable("STEP", "RESULT", "EVIDENCE")
        // Evidence quotes provider data (names, owners, error bodies): each cell is made terminal-safe
        // before the table is laid out, so a line break in it is shown, never obeyed.
        for step in record.steps { table.append(["\(step.number) \(step.name)", step.result.rawValue, step.evidence.terminalSafe]) }
        let who = record.owner.map { " as \($0)" } ?? ""
        return table.render() + "\n\n" + "rehearsal of \(record.provider)\(who): \(record.verdict)".terminalSafe
    }
}

/// `rehearse --json`.
struct RehearsalJSON: Encodable {
    let provider: String
    let owner: String?
    let passed: Bool
    let failedStep: Int?
    let probeName: String
    let steps: [RehearsalRecord.Step]

    init(_ record: RehearsalRecord) {
        provider = record.provider
        owner = record.owner
        passed = record.passed == true
        failedStep = record.failedStep
        probeName = record.probeName
        steps = record.steps
    }

    enum CodingKeys: String, CodingKey {
        case provider, owner, passed, steps
        case failedStep = "failed_step"
        case probeName = "probe_name"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(provider, forKey: .provider)
        try container.encode(owner, forKey: .owner)
        try container.encode(passed, forKey: .passed)
        try container.encode(failedStep, forKey: .failedStep)
        try container.encode(probeName, forKey: .probeName)
        try container.encode(steps, forKey: .steps)
    }
}
