import Foundation

extension Token {
    /// Why a successor cannot be asked for.
    public struct SuccessorError: Error, Sendable, CustomStringConvertible {
        public let description: String

        public init(description: String) { self.description = description }
    }

    /// What to ask the provider for when rotating this token: the successor's `name` (`SuccessorName`:
    /// the lineage's base name and a rotation marker, which rules still match through the lineage),
    /// exactly the same scopes (never wider), the same lifetime from `now` when the old token had one
    /// (else the provider's default), and the owner the successor must turn out to belong to.
    /// Refused where the provider's tokens carry scopes and this token's are unknown: a provider's
    /// default (SailPoint's `sp:scopes:all`: all the rights of whoever signs in) could only be wider.
    public func successorRequest(
        kind: ProviderKind, now: Date, name successorName: String? = nil
    ) throws(SuccessorError) -> TokenCreation {
        if kind.tokensCarryScopes && scopes.isEmpty {
            throw SuccessorError(
                description: "the scopes of \(reference) are not known, and a successor must have exactly the old token's scopes "
                    + "(a provider's default may grant more); replace it by hand")
        }
        var expiresAt: Date?
        if let createdAt, let old = self.expiresAt, old > createdAt {
            expiresAt = now.addingTimeInterval(old.timeIntervalSince(createdAt)).atMillisecondPrecision
        }
        return TokenCreation(
            name: successorName ?? SuccessorName.make(base: lineageName, on: now, maxLength: kind.maxTokenNameLength, taken: [name]),
            scopes: scopes, expiresAt: expiresAt, neverExpires: self.expiresAt == nil && kind.reportsNeverExpiring,
            validitySeconds: extras["access_token_validity_seconds"].flatMap(Int.init), ownerID: ownerID ?? owner)
    }
}
