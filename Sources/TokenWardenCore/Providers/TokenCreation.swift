import Foundation

/// What to ask a provider for when creating a token (rotation creates the successor of an old one).
/// Fields a provider cannot set are ignored by its driver.
public struct TokenCreation: Sendable, Hashable {
    public var name: String
    /// Exactly these; a driver never substitutes a default.
    public var scopes: [String]
    /// Nil: the provider's default (or no expiry where that is the default).
    public var expiresAt: Date?
    /// The old token never expired and the provider can make such tokens (SailPoint's newer API).
    public var neverExpires: Bool
    /// SailPoint's `accessTokenValiditySeconds`: how long each access token it mints lives.
    public var validitySeconds: Int?
    /// The owner the new token must belong to (the provider's owner id, else the listed owner).
    /// No provider takes an owner on create; drivers create for whoever signs in, and the rotation
    /// checks the answer against this.
    public var ownerID: String?

    public init(
        name: String, scopes: [String] = [], expiresAt: Date? = nil, neverExpires: Bool = false,
        validitySeconds: Int? = nil, ownerID: String? = nil
    ) {
        self.name = name
        self.scopes = scopes
        self.expiresAt = expiresAt
        self.neverExpires = neverExpires
        self.validitySeconds = validitySeconds
        self.ownerID = ownerID
    }
}
