/// The token owners tokenwarden holds a credential of, per provider: the only owners whose tokens it
/// can rotate. A successor is created by whoever signs in, so rotating anyone else's token would hand
/// the consumer a token of the signer's, with the signer's rights.
/// Built once per configuration load from the config and the identities learned from the providers;
/// the policy engine and `plan`'s SQL pass ask it the same question, so they cannot disagree.
public struct RotationSigners: Sendable {
    struct Coverage: Sendable {
        /// Who the provider's main credential signs in as, when known.
        var identity: ProviderIdentity?
        /// `identity = "…"` and the names of `[[provider.owner]]` credentials.
        var named: Set<String>
        /// The API lists only the caller's own tokens (Planning Center, 12d Synergy).
        var everyToken: Bool
    }

    var coverage: [String: Coverage]

    /// `identities`: who each provider's main credential signs in as (learned from the provider).
    public init(providers: [ProviderConfig], identities: [String: ProviderIdentity]) {
        coverage = Dictionary(
            providers.map { provider in
                var named = Set(provider.owners.map(\.name))
                if let identity = provider.identity { named.insert(identity) }
                return (provider.id, Coverage(identity: identities[provider.id], named: named, everyToken: provider.kind.listsOnlyOwnTokens))
            }, uniquingKeysWith: { first, _ in first })
    }

    /// Whether tokenwarden can sign in as the owner of a token of `provider` listed with `owner`
    /// and `ownerID` (the provider's id for the owner, when it reports one).
    public func covers(provider: String, owner: String?, ownerID: String?) -> Bool {
        guard let coverage = coverage[provider] else { return false }
        if coverage.everyToken { return true }
        if let identity = coverage.identity {
            if let ownerID {
                if ownerID == identity.id { return true }
            } else if let owner, owner == identity.id || owner == identity.name {
                return true
            }
        }
        return [owner, ownerID].contains { $0.map(coverage.named.contains) ?? false }
    }

    public func covers(_ token: Token) -> Bool { covers(provider: token.provider, owner: token.owner, ownerID: token.ownerID) }

    /// What an admin must do so that `token` can be rotated (for a token `covers` refuses), saying
    /// whom tokenwarden signs in as when that is known.
    public func missingCredential(for token: Token) -> String {
        let signer =
            coverage[token.provider]?.identity.map { "tokenwarden signs in to \(token.provider) as \($0)" }
            ?? "whom tokenwarden signs in to \(token.provider) as is not known yet (`tokenwarden sync` learns it)"
        return Self.missingCredential(for: token, signer: signer)
    }

    /// The same, with `signer` saying whom tokenwarden signs in as (or why that is unknown).
    public static func missingCredential(for token: Token, signer: String? = nil) -> String {
        let owner = token.owner ?? token.ownerID ?? "an unknown owner"
        return "it belongs to \(owner), and a provider creates a token only for whoever signs in"
            + (signer.map { "; \($0)" } ?? "")
            + ". To rotate it, give tokenwarden that owner's credential: [[provider.owner]] name = \"\(owner)\" credential = \"…\" under "
            + "provider \(token.provider)"
    }
}
