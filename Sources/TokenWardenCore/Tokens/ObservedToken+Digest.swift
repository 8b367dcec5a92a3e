import Foundation

extension ObservedToken {
    /// The digest of these facts as a `Token` absorbing them would keep them (dates to the
    /// millisecond): equal to that token's `factsDigest`.
    public var factsDigest: Int64 {
        FactsDigest.of(
            name: name, owner: owner, scopes: scopes, createdAt: createdAt, expiresAt: expiresAt, lastUsedAt: lastUsedAt,
            revoked: revoked, extras: extras)
    }
}
