/// A provider's token API as tokenwarden uses it: list, revoke, create.
/// Drivers hide each API's auth, pagination and quirks; everything above them sees `ObservedToken`s.
public protocol ProviderDriver: Sendable {
    var kind: ProviderKind { get }

    /// The provider's tokens, page by page. A page is fetched only when the previous one has been
    /// consumed, so memory stays flat however many tokens there are.
    func tokens() -> TokenPages

    /// Revokes (or deletes) a token. A token the provider no longer knows counts as already gone.
    func revoke(tokenID: String) async throws -> RevocationResult

    /// Creates a token for whoever signs in (no provider takes another owner) and returns its
    /// secret, which the provider shows exactly once, and whom the provider says it belongs to.
    func create(_ request: TokenCreation) async throws -> CreatedToken

    /// Who the credential signs in as, where the API has an endpoint that says (AWX's `/api/v2/me/`);
    /// nil where it has none (the identity is then found from the credential's own token).
    func identity() async throws -> ProviderIdentity?
}

extension ProviderDriver {
    public func identity() async throws -> ProviderIdentity? { nil }
}

/// What a revoke call found.
public enum RevocationResult: Sendable, Hashable {
    case revoked
    /// The provider answered 404: someone or something removed it first.
    case alreadyGone
}
