import Foundation
import Testing
import TokenWardenCore
import TokenWardenProviders

@testable import TokenWardenSimulator

/// Listings against each provider's rate limit, enforced by the simulator with the provider's own
/// headers: every token is listed without a 429 where the provider sends rate headers; where it
/// sends only `Retry-After` (SailPoint), with one 429, after which tokenwarden paces to the
/// documented limit, or at most one per window when the limit is not the documented one. The limit is 2 requests per
/// 2 s window, which even a loaded machine reaches (the documented 100 per window, and 10 per second,
/// were not reached in debug builds with the whole suite running); `make bench` measures the rate
/// reached at the documented limits.
@Suite struct RateLimitPacingTests {
    /// (kind, whether SailPoint's driver knows the limit the simulator enforces)
    @Test(arguments: [(ProviderKind.planningCenter, true), (.cryptlex, true), (.sailPoint, true), (.sailPoint, false)])
    func aListingAtTheProvidersLimitWaitsForTheWindowInsteadOfBeingRefused(kind: ProviderKind, limitKnown: Bool) async throws {
        let limit = SimulatedRateLimit(kind: kind, limit: 2, period: 2)
        let pageSize = 4
        // Two and a half windows of requests (Cryptlex also asks for the empty page after the last).
        let tokens = (2 * limit.limit + limit.limit / 2) * pageSize
        let (listed, windows, requests) = try await SimulatorHarness.withHarness(tokens: tokens, rateLimits: [kind: limit]) { harness in
            let driver: any ProviderDriver =
                kind == .sailPoint
                ? try SailPointDriver(
                    provider: harness.config(kind),
                    credential: Credential(content: harness.simulator.provider(kind).credential, format: kind.credentialFormat),
                    http: harness.http, pageSize: pageSize,
                    rateLimit: limitKnown ? (limit.limit, Double(limit.period)) : SailPointDriver.documentedRateLimit)
                : try harness.driver(kind, pageSize: pageSize)
            let listed = try await collect(driver.tokens()).tokens
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
            // Knowing the limit, at most the first refusal is needed: the windows after it have none
            // (on a loaded machine the listing may be too slow to meet the limit at all).
            if limitKnown { #expect(windows.map(\.refused).reduce(0, +) <= 1, "windows: \(windows)") }
        } else {
            #expect(windows.map(\.refused).reduce(0, +) == 0, "windows: \(windows)")
        }
    }
}
