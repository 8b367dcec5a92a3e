import Foundation
import Testing
import TokenWardenCore
import TokenWardenProviders
import TokenWardenSimulator
import TokenWardenStore

@testable import TokenWardenLifecycle

/// Polling the simulated providers into a real store.
@Suite struct ProviderPollerTests {
    /// Quick retries, but a minute for an answer from a simulator starved by the rest of the suite.
    static let policy = HTTPPolicy(
        connectTimeout: 10, requestTimeout: 60, backoff: BackoffPolicy(base: 0.02, maximumDelay: 0.1, maximumTotal: 1),
        maximumAttempts: 3, maximumBodyBytes: 64 << 20)

    /// A simulator, a client and a fresh store; use it through `with`, which always shuts down
    /// (AsyncHTTPClient traps on a client released without `shutdown()`).
    struct Setup {
        let simulator: ProviderSimulator
        let http: ProviderHTTPClient
        let store: TokenStore
        let providers: [ReadyProvider]

        static func with<T>(
            tokens: Int = 20, counts: [ProviderKind: Int] = [:], kinds: [ProviderKind] = ProviderKind.allCases,
            _ body: (Setup) async throws -> T
        ) async throws -> T {
            try await SimulatorScope.with(.init(tokensPerProvider: tokens, tokenCounts: counts, seed: 3)) { simulator, http in
                let store = try TokenStore.inMemory()
                var providers: [ReadyProvider] = []
                for kind in kinds {
                    let config = ProviderConfig(
                        id: "sim-\(kind.rawValue)", kind: kind, baseURL: simulator.baseURL(for: kind), credential: .systemd(name: "x"))
                    let credential = try Credential(content: simulator.provider(kind).credential, format: kind.credentialFormat)
                    providers.append(ReadyProvider(config: config, driver: try ProviderDrivers.make(for: config, credential: credential, http: http)))
                }
                try store.registerProviders(providers.map(\.config), at: Date())
                return try await body(Setup(simulator: simulator, http: http, store: store, providers: providers))
            }
        }
    }

    @Test func pollsEveryProviderAndMarksTokensMissingFromACompleteListingGone() async throws {
        try await Setup.with { (setup: Setup) async throws in
            let first = await ProviderPoller(store: setup.store).pollAll(setup.providers)
            #expect(first.map(\.succeeded) == Array(repeating: true, count: ProviderKind.allCases.count))
            // SailPoint's tenant listing also shows the PAT tokenwarden signs in with.
            #expect(first.map(\.summary.discovered) == ProviderKind.allCases.map { $0 == .sailPoint ? 21 : 20 })
            #expect(try setup.store.tokenCounts().values.reduce(0, +) == 20 * ProviderKind.allCases.count + 1)

            let awx = setup.simulator.provider(.awx)
            let removed = await awx.tokens[7]
            await awx.replaceTokens(await awx.tokens.filter { $0.id != removed.id })
            let second = await ProviderPoller(store: setup.store).pollAll(setup.providers)
            #expect(second.first { $0.provider == "sim-awx" }?.gone == 1)
            #expect(second.map(\.summary.discovered) == Array(repeating: 0, count: ProviderKind.allCases.count))
            #expect(second.map(\.summary.changed) == Array(repeating: 0, count: ProviderKind.allCases.count))
            #expect(try setup.store.token(provider: "sim-awx", id: removed.id)?.state == .gone)
        }
    }

    @Test func aListingThatFailsPartWayMarksNothingGoneAndKeepsWhatItGot() async throws {
        try await Setup.with(kinds: [.awx, .cryptlex]) { (setup: Setup) async throws in
            _ = await ProviderPoller(store: setup.store).pollAll(setup.providers)
            let awx = setup.simulator.provider(.awx)
            await awx.replaceTokens(Array(await awx.tokens.prefix(5)))
            await awx.inject(SimulatorFault(provider: .awx, behaviour: .status(500)))
            let results = await ProviderPoller(store: setup.store).pollAll(setup.providers)
            let failed = try #require(results.first { $0.provider == "sim-awx" })
            #expect(!failed.succeeded)
            #expect(failed.error?.contains("provider sim-awx: GET /awx/api/v2/tokens/") == true, "\(failed.error ?? "")")
            #expect(failed.gone == 0)
            #expect(try setup.store.tokens(matching: TokenQuery(provider: "sim-awx", states: [.gone]), at: Date()).isEmpty)
            #expect(results.first { $0.provider == "sim-cryptlex" }?.succeeded == true)
        }
    }

    /// The issue's scale check: 100k tokens, streamed page by page (release-mode timings belong to the benchmark).
    @Test func syncs100kTokens() async throws {
        let (result, count) = try await Setup.with(tokens: 0, counts: [.awx: 100_000], kinds: [.awx]) { setup in
            let result = await ProviderPoller(store: setup.store).poll(setup.providers[0].config, driver: setup.providers[0].driver)
            return (result, try setup.store.tokenCounts().values.reduce(0, +))
        }
        #expect(result.succeeded, "\(result.error ?? "")")
        #expect(result.summary.discovered == 100_000)
        #expect(count == 100_000)
    }

    @Test(
        arguments: [(nil, 0, false), (9, 0, false), (10, 4, true), (10, 5, false), (100, 49, true), (100, 50, false), (100, 300, false)]
            as [(Int?, Int, Bool)])
    func aListingUnderHalfOfTheLastIsASuddenDrop(previous: Int?, seen: Int, suspicious: Bool) {
        #expect(ListingEnd.isSuddenDrop(from: previous, to: seen) == suspicious)
    }

    @Test func aSuddenDropMarksNothingGoneUntilTheNextListingConfirmsIt() async throws {
        try await Setup.with(tokens: 40, kinds: [.awx]) { (setup: Setup) async throws in
            let poller = ProviderPoller(store: setup.store)
            let (config, driver) = (setup.providers[0].config, setup.providers[0].driver)
            #expect(await poller.poll(config, driver: driver).summary.discovered == 40)

            let awx = setup.simulator.provider(.awx)
            await awx.replaceTokens(Array(await awx.tokens.prefix(10)))
            let dropped = await poller.poll(config, driver: driver)
            #expect(dropped.succeeded && dropped.gone == 0 && dropped.goneHeld == 30)
            #expect(try setup.store.tokens(matching: TokenQuery(provider: "sim-awx", states: [.gone]), at: Date()).isEmpty)

            let confirmed = await poller.poll(config, driver: driver)
            #expect(confirmed.gone == 30 && confirmed.goneHeld == 0)
            #expect(try setup.store.tokens(matching: TokenQuery(provider: "sim-awx", states: [.gone]), at: Date()).count == 30)
        }
    }

    /// A re-sync decodes only the tokens whose listed bytes changed (or that it must compare: not
    /// active, or expiring soon); the others are only sighted, and the listing's outcome is the
    /// same as when every token was decoded.
    @Test(arguments: [ProviderKind.awx, .planningCenter])
    func aReSyncDecodesOnlyTheTokensWhoseListedBytesChanged(kind: ProviderKind) async throws {
        try await Setup.with(tokens: 30, kinds: [kind]) { (setup: Setup) async throws in
            let poller = ProviderPoller(store: setup.store)
            let (config, driver) = (setup.providers[0].config, setup.providers[0].driver)
            #expect(await poller.poll(config, driver: driver).summary.discovered == 30)

            let simulated = setup.simulator.provider(kind)
            var tokens = await simulated.tokens
            let renamed = tokens[4].id
            tokens[4].name += " (renamed)"
            await simulated.replaceTokens(tokens)

            let known = try await setup.store.knownListing(provider: config.id, now: { Date() })
            #expect(known.count > 20, "the simulator's active tokens far from expiry")
            var decoded: [ObservedToken] = []
            var unchanged: [Int64] = []
            for try await page in driver.tokens().knowing(known) {
                decoded += page.tokens
                unchanged += page.unchanged
            }
            #expect(decoded.count + unchanged.count == 30)
            #expect(unchanged.count == known.count - 1, "every known token but the renamed one")
            #expect(Set(unchanged).count == unchanged.count)
            #expect(decoded.contains { $0.id == renamed })
            #expect(decoded.allSatisfy { $0.listingDigest != nil })
            // The tokens decoded besides the renamed one are those the store could not vouch for.
            let active = Set(
                try setup.store.tokens(matching: TokenQuery(provider: config.id, states: [.active]), at: Date()).filter {
                    ($0.expiresAt ?? .distantFuture) > Date() + KnownListing.expiryMargin
                }.map(\.id))
            #expect(decoded.filter { $0.id != renamed }.allSatisfy { !active.contains($0.id) })

            let second = await poller.poll(config, driver: driver)
            #expect(second.succeeded, "\(second.error ?? "")")
            #expect(second.summary.seen == 30 && second.summary.changed == 1 && second.gone == 0)
            #expect(try setup.store.token(provider: config.id, id: renamed)?.name.hasSuffix("(renamed)") == true)
            let third = await poller.poll(config, driver: driver)
            #expect(third.summary.seen == 30 && third.summary.changed == 0 && third.gone == 0)
        }
    }
}
