/// A number of seconds a provider sent (`Retry-After`, a rate window, a reset time, OAuth's
/// `expires_in`), made safe to wait on. Provider data is untrusted: NaN, infinities and negative
/// values are refused, and everything is capped, so one hostile or broken header can neither trap the
/// conversion to a `Duration` (`Int64(1e300 * 1000)` traps) nor stall polling for years.
enum ProviderDuration {
    /// No provider-advised wait is longer than a day; the retry budget refuses most far sooner.
    static let ceiling: Double = 86_400

    /// `value` capped to `0...limit`; nil when it is not a finite, non-negative number.
    static func seconds(_ value: Double, atMost limit: Double = ceiling) -> Double? {
        guard value.isFinite, value >= 0 else { return nil }
        return min(value, limit)
    }

    /// As a `Duration`, zero when `value` is unusable; rounded up to the millisecond, so a wait for a
    /// provider's reset time never ends before it.
    static func duration(_ value: Double, atMost limit: Double = ceiling) -> Duration {
        .milliseconds(Int64(((seconds(value, atMost: limit) ?? 0) * 1_000).rounded(.up)))
    }
}
