import Foundation
import Testing
import TokenWardenCore

@testable import TokenWardenSimulator

/// The simulator's enforcement of each provider's documented limit, with time as a parameter.
@Suite struct SimulatedRateLimitTests {
    static let opened = Date(timeIntervalSince1970: 1_800_000_000)

    /// `limit` requests in quick succession, then one more `after` seconds past the opening.
    static func fill(_ limit: inout SimulatedRateLimit, thenAt after: Double) -> SimulatedRateLimit.Verdict {
        for index in 0..<limit.limit { _ = limit.admit(at: opened.addingTimeInterval(Double(index) / 1_000)) }
        return limit.admit(at: opened.addingTimeInterval(after))
    }

    static func header(_ name: String, _ verdict: SimulatedRateLimit.Verdict) -> String? {
        verdict.headers.first { $0.0 == name }?.1
    }

    @Test(
        arguments: [
            // kind, scale, second after the window opened, Retry-After (whole seconds, rounded up)
            (ProviderKind.planningCenter, 1, 0.3, "20"), (.planningCenter, 5, 3.2, "1"), (.sailPoint, 1, 9.5, "1"),
            (.sailPoint, 1, 0.2, "10"), (.cryptlex, 1, 4.0, "1"), (.cryptlex, 5, 0.5, "1"),
        ] as [(ProviderKind, Int, Double, String)])
    func theRequestAfterTheLimitIsRefusedUntilTheWindowEnds(kind: ProviderKind, scale: Int, after: Double, retryAfter: String) throws {
        var limit = try #require(SimulatedRateLimit.documented(for: kind, timeScale: scale))
        let refused = Self.fill(&limit, thenAt: after)
        #expect(!refused.admitted)
        #expect(Self.header("Retry-After", refused) == retryAfter)
        #expect(limit.windows.count == 1)
        #expect(limit.windows.first?.admitted == limit.limit)
        #expect(limit.windows.first?.refused == 1)
        // The first request at the window's end opens the next window; refusals opened none.
        let next = limit.admit(at: Self.opened.addingTimeInterval(Double(limit.period)))
        #expect(next.admitted)
        #expect(limit.windows.count == 2)
        #expect(limit.windows.last?.opened == Self.opened.addingTimeInterval(Double(limit.period)))
    }

    @Test func eachProviderSendsTheRateHeadersItDocuments() throws {
        var planningCenter = try #require(SimulatedRateLimit.documented(for: .planningCenter))
        let first = planningCenter.admit(at: Self.opened)
        #expect(Self.header("X-PCO-API-Request-Rate-Limit", first) == "100")
        #expect(Self.header("X-PCO-API-Request-Rate-Period", first) == "20 seconds")
        #expect(Self.header("X-PCO-API-Request-Rate-Count", first) == "1")
        // Refusals keep counting: "118 of 100 requests per 20 seconds".
        let refused = Self.fill(&planningCenter, thenAt: 1)
        #expect(Self.header("X-PCO-API-Request-Rate-Count", refused) == "102")

        var cryptlex = try #require(SimulatedRateLimit.documented(for: .cryptlex))
        let answer = cryptlex.admit(at: Self.opened.addingTimeInterval(0.2344))
        #expect(Self.header("X-Rate-Limit-Limit", answer) == "5s")
        #expect(Self.header("X-Rate-Limit-Remaining", answer) == "49")
        // The reset, 5 s after the opening request, rounded up to the millisecond: never early.
        #expect(Self.header("X-Rate-Limit-Reset", answer) == "2027-01-15T08:00:05.235Z")

        var sailPoint = try #require(SimulatedRateLimit.documented(for: .sailPoint))
        #expect(sailPoint.admit(at: Self.opened).headers.isEmpty)
        #expect(Self.fill(&sailPoint, thenAt: 2).headers.map(\.0) == ["Retry-After"])
    }

    @Test func aScaleMustLeaveWholeSecondWindows() {
        #expect(SimulatedRateLimit.documented(for: .cryptlex, timeScale: 2) == nil)
        #expect(SimulatedRateLimit.documented(for: .planningCenter, timeScale: 20)?.period == 1)
        #expect(SimulatedRateLimit.documented(for: .awx) == nil)
        #expect(SimulatedRateLimit.scales(for: .cryptlex) == [1, 5])
    }
}
