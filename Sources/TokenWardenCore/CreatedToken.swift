import Foundation

/// A token a provider has just created: its id, facts and the secret it will never show again.
/// The secret is a `Secret`, so nothing can print it by accident.
public struct CreatedToken: Sendable {
    public var id: String
    public var secret: Secret
    public var expiresAt: Date?

    public init(id: String, secret: Secret, expiresAt: Date?) {
        self.id = id
        self.secret = secret
        self.expiresAt = expiresAt
    }
}
