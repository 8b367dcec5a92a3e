import Foundation

extension Date {
    /// Milliseconds since 1970, rounded: the precision tokenwarden keeps every fact at, so a
    /// timestamp read from a provider compares equal to the same timestamp read back from the store.
    public var millisecondsSince1970: Int64 { Int64((timeIntervalSince1970 * 1_000).rounded()) }

    /// `millisecondsSince1970`, held to what an Int64 can say (a bound computed from a long span
    /// must not trap).
    public var clampedMilliseconds: Int64 {
        let milliseconds = (timeIntervalSince1970 * 1_000).rounded()
        if milliseconds >= 9.2e18 { return .max }
        if milliseconds <= -9.2e18 { return .min }
        return Int64(milliseconds)
    }

    public init(millisecondsSince1970 milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1_000)
    }

    /// The same instant at millisecond precision.
    public var atMillisecondPrecision: Date { Date(millisecondsSince1970: millisecondsSince1970) }
}
