import Foundation

extension Token {
    /// The digest of the facts a listing reports (not the state, which also depends on the time, nor
    /// tokenwarden's own first/last seen): stored with the token so an unchanged one is found
    /// without reading it.
    public var factsDigest: Int64 {
        FactsDigest.of(
            name: name, owner: owner, scopes: scopes, createdAt: createdAt, expiresAt: expiresAt, lastUsedAt: lastUsedAt,
            revoked: revoked, extras: extras)
    }
}
