/// How long to wait before retrying a failed request: exponential with full jitter, capped per wait
/// and in total. Jitter spreads retries so several daemons do not hammer a recovering server together.
public struct BackoffPolicy: Sendable, Hashable {
    /// The first wait's upper bound, in seconds.
    public var base: Double
    /// No single wait is longer than this.
    public var maximumDelay: Double
    /// Give up once the waits would add up to more than this.
    public var maximumTotal: Double

    public static let standard = BackoffPolicy(base: 1, maximumDelay: 60, maximumTotal: 300)

    public init(base: Double, maximumDelay: Double, maximumTotal: Double) {
        self.base = base
        self.maximumDelay = maximumDelay
        self.maximumTotal = maximumTotal
    }

    /// The wait before retry number `attempt` (0-based): uniform in [0, min(maximumDelay, base·2^attempt)].
    public func delay<R: RandomNumberGenerator>(attempt: Int, using generator: inout R) -> Double {
        let ceiling = min(maximumDelay, base * Double(1 << min(attempt, 30)))
        return Double.random(in: 0...ceiling, using: &generator)
    }

    /// Whether a retry may wait `delay` more seconds after `waited` seconds of waiting so far.
    public func allows(waiting delay: Double, after waited: Double) -> Bool {
        waited + delay <= maximumTotal
    }
}
