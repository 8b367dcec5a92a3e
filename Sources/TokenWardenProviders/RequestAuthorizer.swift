import TokenWardenCore

/// How a request proves who it is: the `Authorization` header value for the next request, kept in
/// the redacting `Secret` type until it is put on the wire.
/// Schemes whose tokens expire (SailPoint's OAuth) can mint a fresh one after a 401.
public protocol RequestAuthorizer: Sendable {
    func authorization(refresh: Bool) async throws(ProviderError) -> Secret
    /// Whether a 401 is worth one retry with `refresh: true`.
    var canRefresh: Bool { get }
}

/// A fixed header: HTTP Basic (Planning Center) or a bearer PAT (Cryptlex, 12d Synergy, AWX).
struct FixedAuthorization: RequestAuthorizer {
    let header: Secret
    var canRefresh: Bool { false }

    func authorization(refresh: Bool) async throws(ProviderError) -> Secret { header }
}
