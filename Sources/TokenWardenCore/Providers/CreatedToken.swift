import Foundation

/// A token a provider has just created: its id, facts and the secret it will never show again.
/// The secret is a `Secret`, so nothing can print it by accident.
public struct CreatedToken: Sendable {
    public var id: String
    public var secret: Secret
    public var expiresAt: Date?
    /// Whom the provider says the token belongs to (its owner id), when the answer says.
    public var ownerID: String?
    /// Said when the driver had to ask for less than requested (a shorter lifetime, say): for the history.
    public var adjustments: [String]
    /// Where an undocumented answer held what the driver read, field by field ("secret: token",
    /// "owner: userId"): what `tokenwarden rehearse` reports of facts no public spec settles.
    public var fieldsFound: [String] = []

    public init(id: String, secret: Secret, expiresAt: Date?, ownerID: String? = nil, adjustments: [String] = []) {
        self.id = id
        self.secret = secret
        self.expiresAt = expiresAt
        self.ownerID = ownerID
        self.adjustments = adjustments
    }
}
