import TokenWardenCore

extension ProviderConnection {
    /// A connection authorized by a bearer PAT (Cryptlex, 12d Synergy, AWX), or a clear error when the
    /// credential file holds something else.
    static func bearer(provider: ProviderConfig, credential: Credential, http: ProviderHTTPClient) throws(ProviderError) -> ProviderConnection {
        guard case .bearer(let token) = credential.value else {
            throw ProviderError(
                provider: provider.id, kind: .unauthorized, message: "this provider's credential file must hold only the bearer token")
        }
        return ProviderConnection(
            providerID: provider.id, http: http, authorizer: FixedAuthorization(header: Secret("Bearer " + token)), secrets: [Secret(token)],
            listingLimits: provider.listingLimits)
    }
}
