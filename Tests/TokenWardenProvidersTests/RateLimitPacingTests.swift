import Foundation
import Testing
import TokenWardenCore
import TokenWardenProviders
import TokenWardenSimulator

/// Listings against each provider's documented limit, enforced by the simulator in 1 s windows: every
/// token is listed, without a 429 where the provider sends rate headers, and with at most one per
/// window where it sends only `Retry-After` (SailPoint). `make bench` measures the rate reached.
@Suite struct RateLimitPacingTests {
    @Test(arguments: [(ProviderKind.planningCenter, 20), (.cryptlex, 5), (.sailPoint, 10)] as [(ProviderKind, Int)])
    func aListingAtTheProvidersLimitWaitsForTheWindowInsteadOfBeingRefused(kind: ProviderKind, scale: Int) async throws {
        let limit = try #require(SimulatedRateLimit.documented(for: kind, timeScale: scale))
        let pageSize = 4
        // Two and a half windows of requests (Cryptlex also asks for the empty page after the last).
        let tokens = (2 * limit.limit + limit.limit / 2) * pageSize
        let (listed, windows, requests) = try await SimulatorHarness.withHarness(tokens: tokens, rateLimits: [kind: limit]) { harness in
            let listed = try await collect(try harness.driver(kind, pageSize: pageSize).tokens()).tokens
            let provider = harness.simulator.provider(kind)
            return (listed, await provider.rateLimit?.windows ?? [], await provider.listRequests)
        }
        #expect(listed.count == SimulatorHarness.listed(tokens, kind))
        // The listing did run into the limit: at least two full windows.
        #expect(windows.count >= 3, "windows: \(windows)")
        #expect(windows.filter { $0.admitted == limit.limit }.count >= 2, "windows: \(windows)")
        // Every request that reached the API was admitted in some window; none beyond the limit.
        #expect(windows.map(\.admitted).reduce(0, +) == requests)
        #expect(windows.allSatisfy { $0.admitted <= limit.limit })
        if kind == .sailPoint {
            #expect(windows.allSatisfy { $0.refused <= 1 }, "windows: \(windows)")
        } else {
            #expect(windows.map(\.refused).reduce(0, +) == 0, "windows: \(windows)")
        }
    }
}
