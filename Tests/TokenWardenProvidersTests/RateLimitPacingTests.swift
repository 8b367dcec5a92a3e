import Foundation
import Testing
import TokenWardenCore
import TokenWardenProviders

@testable import TokenWardenSimulator

/// Listings against each provider's rate limit, enforced by the simulator with the provider's own
/// headers: every token is listed, without a 429 where the provider sends rate headers, and with at
/// most one per window where it sends only `Retry-After` (SailPoint). The limit is 2 requests per
/// 2 s window, which even a loaded machine reaches (the documented 100 per window, and 10 per second,
/// were not reached in debug builds with the whole suite running); `make bench` measures the rate
/// reached at the documented limits.
@Suite struct RateLimitPacingTests {
    @Test(arguments: [ProviderKind.planningCenter, .cryptlex, .sailPoint])
    func aListingAtTheProvidersLimitWaitsForTheWindowInsteadOfBeingRefused(kind: ProviderKind) async throws {
        let limit = SimulatedRateLimit(kind: kind, limit: 2, period: 2)
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
