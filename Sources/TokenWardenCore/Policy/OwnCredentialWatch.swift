import Foundation

/// tokenwarden's own credential at each provider (`self_token_id`, SailPoint's client id): watched
/// whatever the rules say, since its expiry would stop every later cycle there. A warning goes to
/// `[daemon] alert_to` as it crosses 30, 7 and 1 days before expiry, and once it has expired.
public enum OwnCredentialWatch {
    /// The thresholds, longest first.
    public static let thresholds: [TimeSpan] = [.days(30), .days(7), .days(1)]

    /// The shortest threshold `expiresAt` has crossed at `now` (zero once expired), or nil when it
    /// is further away than the longest.
    public static func stage(expiresAt: Date, now: Date) -> TimeSpan? {
        let left = expiresAt.timeIntervalSince(now)
        if left <= 0 { return TimeSpan(seconds: 0) }
        return thresholds.last { left <= $0.timeInterval }
    }
}
