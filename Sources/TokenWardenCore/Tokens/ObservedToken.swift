import Foundation

/// One token as a provider listed it in one poll: facts only, no secret, no tokenwarden bookkeeping.
/// Drivers produce these page by page; the store turns them into `Token`s with history.
public struct ObservedToken: Sendable, Hashable {
    /// The provider's id for the token (AWX's integer and Synergy's `ID` as decimal text).
    public var id: String
    public var name: String
    public var owner: String?
    public var scopes: [String]
    public var createdAt: Date?
    public var expiresAt: Date?
    public var lastUsedAt: Date?
    public var revoked: Bool
    /// Provider-specific facts worth keeping (e.g. Synergy's `ExpiryReminderState`); never a secret.
    public var extras: [String: String]
    /// The `ListingDigest` of the bytes the page spent on this token, from drivers that take it:
    /// bookkeeping for the next re-sync, not a fact (equality and `factsDigest` leave it out).
    public var listingDigest: Int64?

    public init(
        id: String, name: String, owner: String? = nil, scopes: [String] = [],
        createdAt: Date? = nil, expiresAt: Date? = nil, lastUsedAt: Date? = nil,
        revoked: Bool = false, extras: [String: String] = [:]
    ) {
        self.id = id
        self.name = name
        self.owner = owner
        self.scopes = scopes
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.lastUsedAt = lastUsedAt
        self.revoked = revoked
        self.extras = extras
    }

    public static func == (lhs: ObservedToken, rhs: ObservedToken) -> Bool {
        lhs.id == rhs.id && lhs.name == rhs.name && lhs.owner == rhs.owner && lhs.scopes == rhs.scopes
            && lhs.createdAt == rhs.createdAt && lhs.expiresAt == rhs.expiresAt && lhs.lastUsedAt == rhs.lastUsedAt
            && lhs.revoked == rhs.revoked && lhs.extras == rhs.extras
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(name)
        hasher.combine(owner)
        hasher.combine(scopes)
        hasher.combine(createdAt)
        hasher.combine(expiresAt)
        hasher.combine(lastUsedAt)
        hasher.combine(revoked)
        hasher.combine(extras)
    }

    /// The state these facts mean at `now`: revoked wins over expired.
    public func state(at now: Date) -> TokenState {
        if revoked { return .revoked }
        if let expiresAt, expiresAt <= now { return .expired }
        return .active
    }
}
