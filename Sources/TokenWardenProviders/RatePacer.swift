import Foundation
import NIOHTTP1

/// Slows requests down before a provider has to say 429, from the rate headers it sends:
/// Planning Center's `X-PCO-API-Request-Rate-*` and Cryptlex's `X-Rate-Limit-*`.
actor RatePacer {
    private var notBefore: ContinuousClock.Instant?

    /// Waits until the provider's window allows another request.
    func waitForTurn() async {
        guard let notBefore else { return }
        self.notBefore = nil
        try? await Task.sleep(until: notBefore, clock: .continuous)
    }

    /// Reads the rate headers of a response; near the limit, the next request waits for the window.
    func observe(_ headers: HTTPHeaders, now: Date = Date()) {
        if let pause = Self.pause(after: headers, now: now) { postpone(by: pause) }
    }

    /// Also used after a 429: nothing is sent before `seconds` have passed.
    func postpone(by seconds: Double) {
        let until = ContinuousClock.now.advanced(by: .milliseconds(Int64(seconds * 1_000)))
        if notBefore.map({ $0 < until }) ?? true { notBefore = until }
    }

    static func pause(after headers: HTTPHeaders, now: Date) -> Double? {
        // Planning Center: "100 per 20 seconds", count so far in the window.
        if let limit = headers.first(name: "X-PCO-API-Request-Rate-Limit").flatMap(Int.init),
           let count = headers.first(name: "X-PCO-API-Request-Rate-Count").flatMap(Int.init), count >= limit - 1 {
            let period = headers.first(name: "X-PCO-API-Request-Rate-Period")?.split(separator: " ").first.flatMap { Double($0) }
            return period ?? 20
        }
        // Cryptlex: remaining in the window, reset as epoch seconds or a date (its format is not documented).
        if let remaining = headers.first(name: "X-Rate-Limit-Remaining").flatMap(Int.init), remaining <= 0 {
            let reset = headers.first(name: "X-Rate-Limit-Reset")
            if let epoch = reset.flatMap(Double.init), epoch > 1_000_000_000 { return max(0, min(60, epoch - now.timeIntervalSince1970)) }
            if let reset, let delay = RetryAfter.delay(from: reset, now: now) { return min(60, delay) }
            return 5  // the documented window
        }
        return nil
    }
}
