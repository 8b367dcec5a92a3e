import Foundation

/// An admin's brake on every write (`tokenwarden pause`): while it holds, policy neither revokes nor
/// rotates, and rotations under way deliver and revoke nothing; polling and notifications go on.
/// For one provider, or for all of them (`provider` nil), until `resume` or its `until`.
public struct Pause: Sendable, Hashable {
    /// The provider paused; nil for every provider.
    public var provider: String?
    public var since: Date
    /// When it ends by itself; nil until `tokenwarden resume`.
    public var until: Date?
    public var reason: String
    /// Who paused: the process's user, or the user behind `sudo` (see `Suspension.by`).
    public var by: String
    /// The real uid of the process that paused.
    public var byUID: UInt32?

    public init(provider: String?, since: Date, until: Date?, reason: String, by: String, byUID: UInt32? = nil) {
        self.provider = provider
        self.since = since
        self.until = until
        self.reason = reason
        self.by = by
        self.byUID = byUID
    }

    /// Whether it holds writes to `provider` at `now`.
    public func holds(_ provider: String, at now: Date) -> Bool {
        (self.provider == nil || self.provider == provider) && until.map { now < $0 } ?? true
    }

    /// The first of `pauses` that holds writes to `provider` at `now`.
    public static func holding(_ provider: String, in pauses: [Pause], at now: Date) -> Pause? {
        pauses.first { $0.holds(provider, at: now) }
    }

    /// "paused since 2026-12-06T10:00:00Z by alice until 2026-12-08T00:00:00Z: change freeze".
    public var description: String {
        "paused since \(ProviderTimestamp.format(since)) by \(by)" + (until.map { " until \(ProviderTimestamp.format($0))" } ?? "")
            + ": \(reason)"
    }

    /// A pause that ended: when, by whom (nil: its `until` passed) and why.
    public struct Ended: Sendable, Hashable {
        public var pause: Pause
        public var endedAt: Date
        public var by: String?
        public var reason: String

        public init(pause: Pause, endedAt: Date, by: String?, reason: String) {
            (self.pause, self.endedAt, self.by, self.reason) = (pause, endedAt, by, reason)
        }
    }

    /// "every provider" or "provider awx-main".
    public var scope: String { provider.map { "provider \($0)" } ?? "every provider" }
}
