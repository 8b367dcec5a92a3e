import Foundation

/// What `tokenwarden report` shows of the stored inventory at one moment (`TokenStore.inventoryReport`):
/// a table row per provider and per owner, and the tokens that expire in the coming days.
public struct InventoryReport: Sendable {
    /// One row of a table: live tokens of one provider or one owner.
    public struct Row: Sendable, Hashable {
        public var key: String
        public var tokens = 0
        /// Never used, among providers that report last use.
        public var neverUsed = 0
        /// Unused for longer than the stale span, among providers that report last use.
        public var stale = 0
        public var expiring = 0
        /// Rotations finished within the last `rotatedWithin`.
        public var rotated = 0

        public init(key: String) { self.key = key }
    }

    /// A token on the expiry timeline.
    public struct Mark: Sendable, Hashable {
        public var provider: String
        public var tokenID: String
        public var name: String
        public var expiresAt: Date
    }

    public var byProvider: [Row]
    public var byOwner: [Row]
    /// The tokens expiring within the timeline, soonest first, when at most the limit; else empty.
    public var marks: [Mark]
    /// When more tokens expire within the timeline than the limit: per provider and day from now, how many.
    public var dayCounts: [String: [Int: Int]]
}
