import Foundation
import TokenWardenCore

/// What the metrics say about the stored inventory at one moment, counted by SQLite
/// (`TokenStore.inventoryMetrics`): per provider, the audit trail's totals, the outbox, and the
/// tokens near their expiry that get series of their own.
public struct InventoryMetrics: Sendable {
    /// One provider's counts and polls.
    public struct Provider: Sendable, Hashable {
        public var id: String
        public var tokensByState: [TokenState: Int] = [:]
        /// Live tokens expiring within each span (days → count), not yet expired.
        public var expiringWithin: [Int: Int] = [:]
        /// Live tokens unused for longer than each span (days → count; never used counts from creation).
        public var unusedFor: [Int: Int] = [:]
        public var lastSucceededAt: Date?
        /// How long its latest poll took.
        public var lastPollSeconds: Double?
        public var pollFailuresTotal = 0

        public init(id: String) { self.id = id }
    }

    public var providers: [Provider]
    /// Audited revokes, rotations and notices carried out (not report-only), by action and outcome.
    public var actions: [ActionKey: Int]
    public var rotationsFailed: Int
    /// Rotations whose new secret was delivered and that wait for the successor's first use, and
    /// of those the ones past their switch-over deadline (both tokens stay valid meanwhile).
    public var awaitingSwitchOver = 0
    public var stalledSwitchOvers = 0
    public var outboxPending: Int
    public var outboxUndeliverable: Int
    /// Active or expired tokens whose expiry lies within the horizon of now, soonest first, at most the limit.
    public var nearExpiry: [Token]
    /// More tokens were within the horizon than the limit let through.
    public var nearExpiryTruncated: Bool

    public struct ActionKey: Sendable, Hashable, Comparable {
        public var action: String
        public var outcome: String

        public static func < (a: ActionKey, b: ActionKey) -> Bool { (a.action, a.outcome) < (b.action, b.outcome) }
    }
}
