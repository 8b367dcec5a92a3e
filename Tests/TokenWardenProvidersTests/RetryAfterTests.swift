import Foundation
import Testing
import TokenWardenProviders

@Suite struct RetryAfterTests {
    static let now = Date(timeIntervalSince1970: 784_111_717)  // Sun, 06 Nov 1994 08:48:37 GMT

    @Test(arguments: [
        ("120", 120.0), (" 0 ", 0), ("Sun, 06 Nov 1994 08:49:37 GMT", 60), ("Sunday, 06-Nov-94 08:49:37 GMT", 60),
        ("Sun Nov  6 08:49:37 1994", 60), ("Sun, 06 Nov 1994 08:40:00 GMT", 0),
    ])
    func readsSecondsAndAllThreeHTTPDateForms(value: String, seconds: Double) {
        #expect(RetryAfter.delay(from: value, now: Self.now) == seconds)
    }

    @Test(arguments: ["", "soon", "-5", "1.5"])
    func ignoresWhatItCannotRead(value: String) {
        #expect(RetryAfter.delay(from: value, now: Self.now) == nil)
    }
}

@Suite struct BackoffPolicyTests {
    struct Maximal: RandomNumberGenerator {
        mutating func next() -> UInt64 { .max }
    }

    @Test func waitsGrowExponentiallyUpToTheCap() {
        let policy = BackoffPolicy(base: 1, maximumDelay: 10, maximumTotal: 30)
        var generator = Maximal()
        let ceilings = (0..<6).map { policy.delay(attempt: $0, using: &generator) }
        #expect(ceilings.map { $0.rounded() } == [1, 2, 4, 8, 10, 10])
    }

    @Test func jitterStaysWithinBounds() {
        let policy = BackoffPolicy.standard
        var generator = SystemRandomNumberGenerator()
        for attempt in 0..<40 {
            let delay = policy.delay(attempt: attempt, using: &generator)
            #expect(delay >= 0 && delay <= policy.maximumDelay)
        }
    }

    @Test func theTotalWaitIsCapped() {
        let policy = BackoffPolicy(base: 1, maximumDelay: 10, maximumTotal: 30)
        #expect(policy.allows(waiting: 10, after: 20))
        #expect(!policy.allows(waiting: 10.5, after: 20))
    }
}
