import Foundation
import TokenWardenCore

/// SailPoint Identity Security Cloud (IdentityNow) v3: OAuth2 client credentials (the PAT id and
/// secret), then `/v3/personal-access-tokens`. The list is documented as a plain array; it is read
/// with the standard `limit`/`offset` collection parameters (250 at most) in case the tenant pages it.
public struct SailPointDriver: ProviderDriver {
    public var kind: ProviderKind { .sailPoint }
    let connection: ProviderConnection
    let endpoint: Endpoint
    let pageSize: Int

    public init(provider: ProviderConfig, credential: Credential, http: ProviderHTTPClient, pageSize: Int = 250) throws {
        guard case let .pair(clientID, clientSecret) = credential.value else {
            throw ProviderError(provider: provider.id, kind: .unauthorized, message: "the SailPoint credential must be CLIENT_ID:CLIENT_SECRET")
        }
        endpoint = Endpoint(base: provider.baseURL)
        let plain = ProviderConnection(providerID: provider.id, http: http, authorizer: nil, secrets: [clientSecret])
        let session = SailPointSession(tokenURL: endpoint.url("/oauth/token"), clientID: clientID, clientSecret: clientSecret, connection: plain)
        connection = ProviderConnection(providerID: provider.id, http: http, authorizer: session, secrets: [clientSecret])
        self.pageSize = min(250, max(1, pageSize))
    }

    /// A short page ends the listing; so does a page with nothing new (a tenant that ignores `offset`
    /// and returns the whole array every time).
    public func tokens() -> TokenPages {
        TokenPages { [self] in LinkedPages(provider: connection.providerID, first: pageURL(offset: 0), repeats: .endTheListing, fetch: page) }
    }

    func pageURL(offset: Int) -> String {
        endpoint.url("/v3/personal-access-tokens", [("limit", String(pageSize)), ("offset", String(offset))])
    }

    /// A page's length decides whether there is a next one, so it is read at once.
    @Sendable func page(_ url: String) async throws -> FetchedPage {
        let items = try connection.decode([Item].self, from: try await connection.send(.GET, url), what: "listing personal access tokens")
        let offset = Int(URLComponents(string: url)?.queryItems?.first { $0.name == "offset" }?.value ?? "") ?? 0
        return FetchedPage(tokens: items.map(\.observed), next: items.count < pageSize ? nil : pageURL(offset: offset + items.count))
    }

    public func revoke(tokenID: String) async throws -> RevocationResult {
        let response = try await connection.send(.DELETE, endpoint.url("/v3/personal-access-tokens/" + Self.escape(tokenID)), accepting: [404])
        return response.status == 404 ? .alreadyGone : .revoked
    }

    public func create(_ request: TokenCreation) async throws -> CreatedToken {
        var body: [String: Any] = ["name": request.name, "scope": request.scopes.isEmpty ? ["sp:scopes:all"] : request.scopes]
        if let expiresAt = request.expiresAt { body["expirationDate"] = ProviderTimestamp.format(expiresAt) }
        let response = try await connection.send(.POST, endpoint.url("/v3/personal-access-tokens"),
                                                 body: try JSONSerialization.data(withJSONObject: body))
        let created = try connection.decode(Created.self, from: response, what: "creating a personal access token")
        var timestamps = TimestampReader()
        return CreatedToken(id: created.id, secret: Secret(created.secret),
                            expiresAt: timestamps.read(created.expirationDate, field: "expirationDate"))
    }

    static func escape(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? id
    }

    /// GetPersonalAccessTokenResponse.
    struct Item: Decodable {
        struct Owner: Decodable {
            let id: String?
            let name: String?
        }
        let id: String
        let name: String
        let scope: [String]?
        let owner: Owner?
        let created: String?
        let lastUsed: String?
        let managed: Bool?
        let expirationDate: String?

        var observed: ObservedToken {
            var timestamps = TimestampReader()
            let createdAt = timestamps.read(created, field: "created")
            let lastUsedAt = timestamps.read(lastUsed, field: "lastUsed")
            let expiresAt = timestamps.read(expirationDate, field: "expirationDate")
            var extras = timestamps.extras
            extras["managed"] = String(managed ?? false)
            if let ownerID = owner?.id { extras["owner_id"] = ownerID }
            return ObservedToken(id: id, name: name, owner: owner?.name ?? owner?.id, scopes: scope ?? [],
                                 createdAt: createdAt, expiresAt: expiresAt, lastUsedAt: lastUsedAt, extras: extras)
        }
    }

    /// CreatePersonalAccessTokenResponse: the only response that ever holds `secret`.
    struct Created: Decodable {
        let id: String
        let secret: String
        let expirationDate: String?
    }
}
