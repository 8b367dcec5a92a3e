import Foundation

extension Token {
    /// What to ask the provider for when rotating this token: the same name, scopes and owner, and the
    /// same lifetime from `now` when the old token had one (else the provider's default).
    /// The same name keeps name-matching rules (and the people reading the inventory) on the successor.
    public func successorRequest(now: Date) -> TokenCreation {
        var expiresAt: Date?
        if let createdAt, let old = self.expiresAt, old > createdAt {
            expiresAt = now.addingTimeInterval(old.timeIntervalSince(createdAt)).atMillisecondPrecision
        }
        return TokenCreation(name: name, scopes: scopes, expiresAt: expiresAt, ownerID: extras["user_id"])
    }
}
