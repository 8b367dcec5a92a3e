import TokenWardenCore

/// Something a cycle decided or did, for the admin: printed by `sync` and `rotate`, and sent to the
/// journal by the daemon. The message is complete on its own; the fields let tools filter.
public struct LifecycleEvent: Sendable, Hashable {
    /// What happened, one case per kind of journal entry.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A notify rule fired (expiring, expired, stale or old token).
        case notified
        /// Report-only: what enforcement would have done.
        case wouldAct = "would-act"
        /// Policy wanted to revoke or rotate tokenwarden's own credential and was held back.
        case heldOwnCredential = "held-own-credential"
        /// The provider has no API for the action: a person must do it.
        case needsPerson = "needs-person"
        case revoked
        case revokeFailed = "revoke-failed"
        /// A rotation delivered the new secret; the old token waits out the overlap.
        case rotationDelivered = "rotation-delivered"
        case rotated
        case rotationFailed = "rotation-failed"
        /// A rotation could not move on this cycle (the provider is failing); it is retried.
        case rotationStalled = "rotation-stalled"
        /// More writes were due than the blast-radius limit allows.
        case limitReached = "limit-reached"
        /// A write held back by the blast-radius limit.
        case deferred
        /// More new decisions than one cycle reports: the count of those left for later cycles.
        case reportsPending = "reports-pending"
    }

    /// Severity, as syslog and the journal grade it (the raw value is the syslog level). Ordered by
    /// severity: `.critical` is the greatest, so `priority >= .error` means "an error or worse".
    public enum Priority: Int, Sendable, Hashable, Comparable {
        case critical = 2
        case error = 3
        case warning = 4
        case notice = 5
        case info = 6

        public static func < (lhs: Priority, rhs: Priority) -> Bool { lhs.rawValue > rhs.rawValue }
    }

    public var kind: Kind
    public var priority: Priority
    public var token: Token?
    public var rule: String?
    public var action: RuleAction?
    public var message: String

    public init(_ kind: Kind, _ priority: Priority, token: Token? = nil, rule: String? = nil, action: RuleAction? = nil, message: String) {
        self.kind = kind
        self.priority = priority
        self.token = token
        self.rule = rule
        self.action = action
        self.message = message
    }
}
