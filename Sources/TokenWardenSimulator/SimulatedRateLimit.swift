import Foundation
import TokenWardenCore

/// A provider's documented request limit, enforced (`tokenwarden simulate --rate-limit KIND[=SCALE]`):
/// Planning Center 100 requests per 20 s with its `X-PCO-API-Request-Rate-*` headers, SailPoint 100
/// per 10 s with only `Retry-After`, Cryptlex 50 per 5 s with its `X-Rate-Limit-*` headers
/// (shared/reference/providers.md). `timeScale` divides the window for benchmarks that cannot wait
/// out real ones; the limit stays.
///
/// Windows are fixed and opened by a request: the first request after a window has ended opens the
/// next one, which admits `limit` requests for `period` seconds. Neither vendor documents fixed or
/// sliding windows; fixed ones are the common implementation, and they leave no slack for a client
/// that sends the next request before the window really ends. A refused request gets 429 with
/// `Retry-After` in whole seconds rounded up (RFC 9110 allows no fractions) and opens nothing.
public struct SimulatedRateLimit: Sendable, Hashable {
    public let kind: ProviderKind
    public let limit: Int
    /// The window's length in seconds, after scaling.
    public let period: Int
    /// Every window so far, oldest first.
    public private(set) var windows: [Window] = []

    /// One window: when its first request came, how many were admitted and how many refused (429).
    public struct Window: Sendable, Hashable, Codable {
        public let opened: Date
        public var admitted: Int
        public var refused: Int
    }

    /// What one request gets: admitted or not, and the headers the provider sends with the answer.
    struct Verdict {
        let admitted: Bool
        let headers: [(String, String)]
    }

    /// The documented limit of a kind, its window divided by `timeScale` (which must leave whole
    /// seconds); nil for a kind without a documented limit or a scale that does not divide its window.
    public static func documented(for kind: ProviderKind, timeScale: Int = 1) -> SimulatedRateLimit? {
        let (limit, period): (Int, Int)
        switch kind {
        case .planningCenter: (limit, period) = (100, 20)
        case .sailPoint: (limit, period) = (100, 10)
        case .cryptlex: (limit, period) = (50, 5)
        case .synergy, .awx, .aap: return nil
        }
        guard timeScale >= 1, period % timeScale == 0 else { return nil }
        return SimulatedRateLimit(kind: kind, limit: limit, period: period / timeScale)
    }

    /// The scales that divide a kind's window into whole seconds, for the refusal message.
    public static func scales(for kind: ProviderKind) -> [Int] {
        guard let period = documented(for: kind)?.period else { return [] }
        return (1...period).filter { period % $0 == 0 }
    }

    init(kind: ProviderKind, limit: Int, period: Int) {
        self.kind = kind
        self.limit = limit
        self.period = period
    }

    /// Counts a request arriving at `now` against the current window, opening a new one when the
    /// last has ended.
    mutating func admit(at now: Date) -> Verdict {
        if windows.last.map({ now >= end(of: $0) }) ?? true { windows.append(Window(opened: now, admitted: 0, refused: 0)) }
        let index = windows.count - 1
        let window = windows[index]
        let admitted = window.admitted < limit
        if admitted { windows[index].admitted += 1 } else { windows[index].refused += 1 }
        var headers = rateHeaders(windows[index], refused: !admitted)
        if !admitted {
            let left = end(of: window).timeIntervalSince(now)
            headers.append(("Retry-After", String(max(1, Int(left.rounded(.up))))))
        }
        return Verdict(admitted: admitted, headers: headers)
    }

    private func end(of window: Window) -> Date { window.opened.addingTimeInterval(Double(period)) }

    /// The headers each provider documents, on every answer (a 429 too).
    private func rateHeaders(_ window: Window, refused: Bool) -> [(String, String)] {
        switch kind {
        case .planningCenter:
            // The count goes past the limit on refusals: "118 of 100 requests per 20 seconds".
            return [
                ("X-PCO-API-Request-Rate-Limit", String(limit)), ("X-PCO-API-Request-Rate-Period", "\(period) seconds"),
                ("X-PCO-API-Request-Rate-Count", String(window.admitted + window.refused)),
            ]
        case .cryptlex:
            // The reset time rounded up to the millisecond, so a client waiting for it is never early
            // (half a millisecond more: the formatter truncates, and 0.234 may be 0.23399… in binary).
            let milliseconds = (end(of: window).timeIntervalSince1970 * 1_000).rounded(.up)
            let reset = Date(timeIntervalSince1970: (milliseconds + 0.5) / 1_000)
            return [
                ("X-Rate-Limit-Limit", "\(period)s"), ("X-Rate-Limit-Remaining", String(max(0, limit - window.admitted))),
                ("X-Rate-Limit-Reset", SimulatedTimestamp.format(reset, fractionDigits: 3)),
            ]
        case .sailPoint, .synergy, .awx, .aap:
            return []
        }
    }
}
