import Foundation
import Synchronization
import TokenWardenConfig
import TokenWardenCore
import TokenWardenProviders
import TokenWardenSimulator
import TokenWardenStore
import TokenWardenTestSupport

@testable import TokenWardenLifecycle

/// The whole lifecycle against the simulator: a real config and policy files on disk, a real store
/// file, real HTTP. Tests set the tokens each provider has and run cycles with a clock they move.
struct LifecycleHarness {
    /// A clock tests move by hand (the overlap is an hour; tests do not wait for it).
    final class Clock: Sendable {
        private let instant = Mutex(Date())
        var now: Date { instant.withLock { $0 } }
        func advance(by seconds: TimeInterval) { instant.withLock { $0 += seconds } }
    }

    let simulator: ProviderSimulator
    let http: ProviderHTTPClient
    let directory: TemporaryDirectory
    var configuration: Configuration
    let clock: Clock
    /// Opened once, as the daemon opens it (quick_check and migrations run here, not on every use).
    let store: TokenStore

    /// A simulator whose providers of `kinds` have exactly `tokens`, a config with only those kinds
    /// (each with a `self_token_id` no token has, so enforcement is allowed), and `policy` as the one policy file.
    static func with<T>(
        kinds: [ProviderKind], tokens: [ProviderKind: [ObservedToken]], policy: String, enforce: Bool = false,
        maxActions: Int = 10, _ body: (LifecycleHarness) async throws -> T
    ) async throws -> T {
        try await SimulatorScope.with(.init(tokensPerProvider: 0)) { simulator, http in
            for (kind, list) in tokens { await simulator.provider(kind).replaceTokens(list) }
            let directory = try TemporaryDirectory()
            let path = try SimulatorSetup.write(for: simulator, into: directory.subpath("sim"), enforce: enforce)
            try directory.write("sim/policies.d/10-test.toml", policy)
            var configuration = try ConfigLoader().load(path: path)
            configuration.providers = configuration.providers.filter { kinds.contains($0.kind) }.map { provider in
                var provider = provider
                if provider.kind != .sailPoint { provider.selfTokenID = "999999" }
                return provider
            }
            configuration.daemon.maxActionsPerCycle = maxActions
            let clock = Clock()
            let store = try configuration.openStore(now: clock.now)
            return try await body(
                LifecycleHarness(simulator: simulator, http: http, directory: directory, configuration: configuration, clock: clock, store: store))
        }
    }

    /// The policies of `configuration` as the one loader reads them; a problem fails the test.
    static func policies(of configuration: Configuration) throws -> PolicySet {
        let (policies, problems) = ConfigurationLoader(environment: [:]).policies(of: configuration)
        guard problems.isEmpty else { throw ConfigError(problems: problems) }
        return policies
    }

    /// One cycle as `sync` runs it.
    func cycle(sharing window: WriteWindow? = nil, timeZone: TimeZone = TimeZone(identifier: "UTC")!) async throws -> CycleReport {
        let setup = CycleSetup(configuration: configuration, policies: try Self.policies(of: configuration), http: http)
        let now = clock
        return try await Cycle(setup: setup, store: store, now: { now.now }, timeZone: timeZone).run(sharing: window)
    }

    /// What policy decides now about the stored tokens (what the last cycle acted on, unless they changed).
    func decisions() throws -> [Decision] {
        let context = PolicyContext(configuration: configuration, policies: try Self.policies(of: configuration))
        return try context.decisions(store: store, now: clock.now)
    }

    /// The live (listed, not revoked) tokens of a provider, but for the credentials tokenwarden signs
    /// in with (SailPoint lists its own PATs).
    func live(_ kind: ProviderKind) async -> [ObservedToken] {
        let own = await simulator.provider(kind).accountTokenIDs
        return await simulator.provider(kind).tokens.filter { !$0.revoked && !own.contains($0.id) }
    }

    /// Gives tokenwarden a `[[provider.owner]]` credential named `owner` whose file holds a credential
    /// of `signsInAs` at the simulator (the same owner unless a test wants a mismatch).
    mutating func addOwnerCredential(_ kind: ProviderKind, owner: String, signsInAs: String? = nil) async throws {
        let content = await simulator.provider(kind).addAccount(forOwner: signsInAs ?? owner)
        let path = try directory.write("sim/\(kind.rawValue)-\(owner).credential", content + "\n", mode: 0o600)
        guard let index = configuration.providers.firstIndex(where: { $0.kind == kind }) else { return }
        configuration.providers[index].owners.append(OwnerCredential(name: owner, credential: .file(path: path)))
    }

    /// The owner the simulator's main credential of `kind` signs in as: whose tokens it can rotate.
    static func mainOwner(_ kind: ProviderKind) -> String { SimulatedAccount.mainOwner(of: kind) }

    /// Every byte of the database and its WAL files, for secret-leak checks.
    /// The database file (it must be there: a wrong path fails the test, never an empty loop) and
    /// its `-wal` and `-shm` where they exist.
    func databaseBytes() throws -> [Data] {
        let main = try Data(contentsOf: URL(fileURLWithPath: configuration.databasePath))
        return [main] + ["-wal", "-shm"].compactMap { try? Data(contentsOf: URL(fileURLWithPath: configuration.databasePath + $0)) }
    }

    /// A token created `days` ago with a year's lifetime.
    static func token(_ id: String, _ name: String, createdDaysAgo days: Double, owner: String = "admin") -> ObservedToken {
        let created = Date().addingTimeInterval(-days * 86_400).atMillisecondPrecision
        return ObservedToken(
            id: id, name: name, owner: owner, scopes: ["write"], createdAt: created,
            expiresAt: created.addingTimeInterval(365 * 86_400))
    }
}
