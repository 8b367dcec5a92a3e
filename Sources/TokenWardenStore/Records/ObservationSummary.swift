import TokenWardenCore

/// What one page (or one whole listing) of observations did to the inventory: counts, and the first
/// `changeLimit` changes themselves, so the journal can name them without reading them back.
public struct ObservationSummary: Sendable, Hashable {
    public var seen = 0
    public var discovered = 0
    public var changed = 0
    public var reappeared = 0
    /// The first `changeLimit` tokens discovered, changed or back, in listing order.
    public var changes: [TokenChange] = []

    /// Changes kept per listing: more than this in one poll is reported as a count.
    public static let changeLimit = 100

    public init() {}

    /// Discovered + changed + back: what `changes` would hold without the limit.
    public var changeCount: Int { discovered + changed + reappeared }

    mutating func note(_ change: TokenChange) {
        if changes.count < Self.changeLimit { changes.append(change) }
    }

    public static func + (lhs: ObservationSummary, rhs: ObservationSummary) -> ObservationSummary {
        var sum = lhs
        sum.seen += rhs.seen
        sum.discovered += rhs.discovered
        sum.changed += rhs.changed
        sum.reappeared += rhs.reappeared
        sum.changes += rhs.changes.prefix(max(0, changeLimit - sum.changes.count))
        return sum
    }
}

/// One token's entry in the history written by a poll: discovered, changed (with what), back, or gone.
public struct TokenChange: Sendable, Hashable {
    public var tokenID: String
    public var tokenName: String
    public var kind: TokenEventKind
    /// "expires_at 2026-01-01T00:00:00Z → 2027-01-01T00:00:00Z; …" for a change, else empty.
    public var detail: String

    public init(tokenID: String, tokenName: String, kind: TokenEventKind, detail: String = "") {
        self.tokenID = tokenID
        self.tokenName = tokenName
        self.kind = kind
        self.detail = detail
    }
}
