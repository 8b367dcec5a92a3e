import Foundation

/// What to ask a provider for when creating a token (rotation creates the successor of an old one).
/// Fields a provider cannot set are ignored by its driver.
public struct TokenCreation: Sendable, Hashable {
    public var name: String
    public var scopes: [String]
    /// Nil: the provider's default (or no expiry where that is the default).
    public var expiresAt: Date?
    /// The provider's id of the user to create it for (AWX's user id, from the old token's
    /// `user_id` extra); nil creates it for the user tokenwarden authenticates as.
    public var ownerID: String?

    public init(name: String, scopes: [String] = [], expiresAt: Date? = nil, ownerID: String? = nil) {
        self.name = name
        self.scopes = scopes
        self.expiresAt = expiresAt
        self.ownerID = ownerID
    }
}
