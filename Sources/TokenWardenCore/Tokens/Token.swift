import Foundation

/// A token in tokenwarden's inventory: the provider's latest facts plus when tokenwarden saw it.
/// This is what policy evaluates and what `tokenwarden tokens` prints.
public struct Token: Sendable, Hashable {
    /// The configured provider id (`[[provider]] id`), not the kind.
    public var provider: String
    public var id: String
    public var name: String
    public var owner: String?
    public var scopes: [String]
    public var createdAt: Date?
    public var expiresAt: Date?
    public var lastUsedAt: Date?
    public var revoked: Bool
    public var state: TokenState
    public var firstSeenAt: Date
    public var lastSeenAt: Date
    public var extras: [String: String]
    /// The name of the token's lineage, when a rotation made it: the first predecessor's name
    /// without a rotation marker. Rules match it as well as `name` (`TokenMatch`).
    public var baseName: String?
    /// The id of the token this one replaced in a rotation.
    public var successorOf: String?

    public init(
        provider: String, id: String, name: String, owner: String? = nil, scopes: [String] = [],
        createdAt: Date? = nil, expiresAt: Date? = nil, lastUsedAt: Date? = nil, revoked: Bool = false,
        state: TokenState, firstSeenAt: Date, lastSeenAt: Date, extras: [String: String] = [:],
        baseName: String? = nil, successorOf: String? = nil
    ) {
        self.provider = provider
        self.id = id
        self.name = name
        self.owner = owner
        self.scopes = scopes
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.lastUsedAt = lastUsedAt
        self.revoked = revoked
        self.state = state
        self.firstSeenAt = firstSeenAt
        self.lastSeenAt = lastSeenAt
        self.extras = extras
        self.baseName = baseName
        self.successorOf = successorOf
    }

    /// `provider/id`: how the CLI and the journal name a token unambiguously.
    public var reference: String { "\(provider)/\(id)" }

    /// The name its lineage goes by: the base name of a successor, else its own name without a
    /// rotation marker. A successor is named after it (`SuccessorName`).
    public var lineageName: String { baseName ?? SuccessorName.base(of: name) }
}
