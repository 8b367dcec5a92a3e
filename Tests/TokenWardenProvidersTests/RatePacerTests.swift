import Foundation
import NIOHTTP1
import Testing

@testable import TokenWardenProviders

/// Rate headers are provider data: read as documented, and never trusted with a conversion.
@Suite struct RatePacerTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func headers(_ pairs: [(String, String)]) -> HTTPHeaders { HTTPHeaders(pairs) }

    @Test(
        arguments: [
            // Cryptlex: a UTC reset time, the window as a period.
            ([("X-Rate-Limit-Remaining", "0"), ("X-Rate-Limit-Limit", "1m"), ("X-Rate-Limit-Reset", "2027-01-15T08:00:12Z")], 12.0),
            ([("X-Rate-Limit-Remaining", "0"), ("X-Rate-Limit-Limit", "1m")], 60.0),
            ([("X-Rate-Limit-Remaining", "0"), ("X-Rate-Limit-Limit", "12h")], 43_200.0),
            // A reset past the window is capped to the window; a reset in the past waits nothing.
            ([("X-Rate-Limit-Remaining", "0"), ("X-Rate-Limit-Limit", "5s"), ("X-Rate-Limit-Reset", "2027-01-15T09:00:00Z")], 5.0),
            ([("X-Rate-Limit-Remaining", "0"), ("X-Rate-Limit-Reset", "2027-01-15T07:00:00Z")], 0.0),
            ([("X-Rate-Limit-Remaining", "0"), ("X-Rate-Limit-Reset", "1800000003")], 3.0),
            ([("X-Rate-Limit-Remaining", "0")], 5.0),
            ([("X-Rate-Limit-Remaining", "3"), ("X-Rate-Limit-Limit", "1m")], nil),
            // Planning Center: "100 per 20 seconds"; below the limit, no wait.
            (
                [("X-PCO-API-Request-Rate-Limit", "100"), ("X-PCO-API-Request-Rate-Count", "99"), ("X-PCO-API-Request-Rate-Period", "20 seconds")],
                nil
            ),
            // At the limit, in a window whose opening was not seen: a whole window. A hostile period is
            // capped, not trusted.
            (
                [("X-PCO-API-Request-Rate-Limit", "100"), ("X-PCO-API-Request-Rate-Count", "100"), ("X-PCO-API-Request-Rate-Period", "20 seconds")],
                20.0
            ),
            (
                [
                    ("X-PCO-API-Request-Rate-Limit", "100"), ("X-PCO-API-Request-Rate-Count", "100"),
                    ("X-PCO-API-Request-Rate-Period", "1e300 seconds"),
                ], 3_600.0
            ),
            (
                [("X-PCO-API-Request-Rate-Limit", "100"), ("X-PCO-API-Request-Rate-Count", "100"), ("X-PCO-API-Request-Rate-Period", "nan seconds")],
                20.0
            ),
            (
                [
                    ("X-PCO-API-Request-Rate-Limit", "100"), ("X-PCO-API-Request-Rate-Count", "100"),
                    ("X-PCO-API-Request-Rate-Period", "-inf seconds"),
                ],
                20.0
            ),
        ] as [([(String, String)], Double?)])
    func readsEachProvidersRateHeaders(pairs: [(String, String)], pause: Double?) async {
        let now = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15T08:00:00Z
        #expect(await RatePacer().pause(after: Self.headers(pairs), now: now) == pause)
    }

    /// Planning Center's headers say nothing of when a window ends. Seen from its first answer, the
    /// window ends a period later: the 100th answer waits only for what is left of it, and the count
    /// starting again opens the next. (The simulator's windows open on a request; the real one's
    /// opening is never later than the answer that shows count 1, so this never sends early.)
    @Test(
        arguments: [
            // (count, seconds after the first answer, expected pause)
            [(1, 0.0, nil), (2, 0.5, nil), (99, 1.5, nil), (100, 2.0, 18.0)],
            [(1, 0.0, nil), (100, 2.0, 18.0), (1, 20.1, nil), (100, 21.1, 19.0)],
            // Joined part-way (count 40 first): the window is taken to open at that answer.
            [(40, 0.0, nil), (100, 3.0, 17.0)],
            // A window that must have ended, though the count never went down (another client's
            // requests opened the next one): a new window from this answer.
            [(1, 0.0, nil), (50, 1.0, nil), (60, 25.0, nil), (100, 26.0, 19.0)],
        ] as [[(Int, Double, Double?)]])
    func planningCenterPacingWaitsOnlyForWhatIsLeftOfTheWindow(answers: [(Int, Double, Double?)]) async {
        let pacer = RatePacer()
        for (count, after, pause) in answers {
            let headers = Self.headers([
                ("X-PCO-API-Request-Rate-Limit", "100"), ("X-PCO-API-Request-Rate-Count", String(count)),
                ("X-PCO-API-Request-Rate-Period", "20 seconds"),
            ])
            #expect(await pacer.pause(after: headers, now: Self.now.addingTimeInterval(after)) == pause, "count \(count) at +\(after) s")
        }
    }

    /// SailPoint sends no rate headers: once it refused a request, its documented limit is counted
    /// from the answers. The limit'th answer waits for what is left of the window opened by the
    /// first; a later 429 (someone else used the limit) starts the count again at the next answer.
    @Test(
        arguments: [
            // (seconds after the first answer, a 429 just before it, expected pause), limit 3 per 10 s
            [(0.0, false, nil), (1.0, false, nil), (2.0, false, 8.0)],
            [(0.0, false, nil), (1.0, false, nil), (2.0, false, 8.0), (10.0, false, nil), (10.5, false, nil), (11.0, false, 9.0)],
            // A window that ended before its limit was reached: a new one from this answer.
            [(0.0, false, nil), (1.0, false, nil), (12.0, false, nil), (13.0, false, nil), (14.0, false, 8.0)],
            // After a 429: the answers counted so far no longer count.
            [(0.0, false, nil), (1.0, false, nil), (5.0, true, nil), (6.0, false, nil), (7.0, false, 8.0)],
        ] as [[(Double, Bool, Double?)]])
    func aDocumentedLimitIsCountedWhereNoHeaderSaysIt(answers: [(Double, Bool, Double?)]) async {
        let pacer = RatePacer(documented: RatePacer.Limit(requests: 3, period: 10))
        // Before any 429, nothing is counted: a server that allows more is not slowed down.
        for second in 0..<5 { #expect(await pacer.pause(after: HTTPHeaders(), now: Self.now.addingTimeInterval(Double(second) - 10)) == nil) }
        await pacer.postpone(by: 0)
        for (after, refusedBefore, pause) in answers {
            if refusedBefore { await pacer.postpone(by: 0) }
            #expect(await pacer.pause(after: HTTPHeaders(), now: Self.now.addingTimeInterval(after)) == pause, "answer at +\(after) s")
        }
        // Rate headers, where a provider sends them, decide instead.
        #expect(await RatePacer().pause(after: HTTPHeaders(), now: Self.now) == nil)
    }

    @Test(arguments: ["18446744073709551615", "99999999999999999999999", "Sun, 06 Nov 9999 08:49:37 GMT"])
    func aHugeRetryAfterIsCappedAtADay(value: String) {
        #expect(RetryAfter.delay(from: value, now: Self.now).map { $0 <= ProviderDuration.ceiling } != false)
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity, -1, 1e300, Double(UInt64.max)])
    func waitingOnAnyNumberAProviderSendsNeverTraps(seconds: Double) async {
        // Before the cap, `Int64(1e300 * 1000)` trapped the whole daemon (exit 132).
        await RatePacer().postpone(by: seconds)
        #expect(ProviderDuration.duration(seconds) <= .seconds(ProviderDuration.ceiling))
    }
}
