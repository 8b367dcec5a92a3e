import Foundation
import TokenWardenCore
import TokenWardenProviders
import TokenWardenSimulator

/// A running simulator plus a client with test-sized backoff. Use it through `withHarness`, which
/// always shuts both down: AsyncHTTPClient traps on a client released without `shutdown()`.
struct SimulatorHarness {
    /// How many tokens a provider seeded with `seeded` lists: SailPoint's tenant listing also shows
    /// the PAT tokenwarden signs in with.
    static func listed(_ seeded: Int, _ kind: ProviderKind) -> Int { seeded + (kind == .sailPoint ? 1 : 0) }

    /// Short backoff, but a minute for an answer: the whole suite runs at once on two cores, and a
    /// starved simulator answering late must not look like a fault (a retried DELETE finds 404).
    static let policy = HTTPPolicy(
        connectTimeout: 10, requestTimeout: 60,
        backoff: BackoffPolicy(base: 0.02, maximumDelay: 0.1, maximumTotal: 3),
        maximumAttempts: 4, maximumBodyBytes: 8 << 20)
    /// For the timeout tests only: a 1 s request timeout against a simulator answering in 1.5 s.
    static let impatient: HTTPPolicy = {
        var policy = SimulatorHarness.policy
        policy.requestTimeout = 1
        return policy
    }()

    let simulator: ProviderSimulator
    let http: ProviderHTTPClient

    /// Runs `body` with a fresh harness and shuts it down however `body` ends.
    static func withHarness<T>(
        tokens: Int = 30, faults: [SimulatorFault] = [], rateLimits: [ProviderKind: SimulatedRateLimit] = [:], policy: HTTPPolicy = policy,
        _ body: (SimulatorHarness) async throws -> T
    ) async throws -> T {
        let simulator = try await ProviderSimulator.start(.init(tokensPerProvider: tokens, seed: 42, faults: faults, rateLimits: rateLimits))
        let harness = SimulatorHarness(simulator: simulator, http: ProviderHTTPClient(policy: policy))
        do {
            let result = try await body(harness)
            await harness.close()
            return result
        } catch {
            await harness.close()
            throw error
        }
    }

    /// Runs `body` with a bare client (no simulator), shut down however `body` ends.
    static func withClient<T>(policy: HTTPPolicy = policy, _ body: (ProviderHTTPClient) async throws -> T) async throws -> T {
        let http = ProviderHTTPClient(policy: policy)
        do {
            let result = try await body(http)
            try await http.shutdown()
            return result
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    func config(_ kind: ProviderKind) -> ProviderConfig {
        ProviderConfig(id: "sim-\(kind.rawValue)", kind: kind, baseURL: simulator.baseURL(for: kind), credential: .systemd(name: "unused"))
    }

    func driver(_ kind: ProviderKind, credential: String? = nil, pageSize: Int? = nil) throws -> any ProviderDriver {
        let content = credential ?? simulator.provider(kind).credential
        let parsed = try Credential(content: content, format: kind.credentialFormat)
        let provider = config(kind)
        return try ProviderDrivers.make(for: provider, credential: parsed, http: http, pageSize: pageSize)
    }

    func close() async {
        try? await http.shutdown()
        await simulator.stop()
    }
}

/// Every page of a listing, and how many pages there were.
func collect(_ pages: TokenPages) async throws -> (tokens: [ObservedToken], pages: Int) {
    var tokens: [ObservedToken] = []
    var count = 0
    for try await page in pages {
        tokens += page
        count += 1
    }
    return (tokens, count)
}

/// Runs `body` and returns the `ProviderError` it threw (nil if it did not throw one).
func providerError(_ body: () async throws -> Void) async -> ProviderError? {
    do {
        try await body()
        return nil
    } catch let error as ProviderError {
        return error
    } catch {
        return nil
    }
}
