import Foundation
import TokenWardenCore

/// Cryptlex Web API v3: the PAT is the bearer; `page`/`limit` pagination until an empty page.
/// Revoked tokens stay listed (`revoked: true`); revoking is a PATCH, so Cryptlex keeps its own record.
public struct CryptlexDriver: ProviderDriver {
    public var kind: ProviderKind { .cryptlex }
    let connection: ProviderConnection
    let endpoint: Endpoint
    let pageSize: Int

    public init(provider: ProviderConfig, credential: Credential, http: ProviderHTTPClient, pageSize: Int = 100) throws {
        connection = try .bearer(provider: provider, credential: credential, http: http)
        endpoint = Endpoint(base: provider.baseURL)
        self.pageSize = max(1, pageSize)
    }

    /// Pages until an empty one; a server that ignores `page` repeats the first page forever, which is
    /// a loop, not the end.
    public func tokens() -> TokenPages {
        TokenPages { [self] in LinkedPages(provider: connection.providerID, first: pageURL(1), fetch: page) }
    }

    func pageURL(_ number: Int) -> String {
        endpoint.url("/v3/personal-access-tokens", [("page", String(number)), ("limit", String(pageSize))])
    }

    /// Only an empty page ends the listing, so a page is read at once.
    @Sendable func page(_ url: String) async throws -> FetchedPage {
        let items = try connection.decode([Item].self, from: try await connection.send(.GET, url), what: "listing personal access tokens")
        let number = Int(URLComponents(string: url)?.queryItems?.first { $0.name == "page" }?.value ?? "") ?? 1
        // An empty page ends the listing.
        return FetchedPage(tokens: items.map(\.observed), next: items.isEmpty ? nil : pageURL(number + 1))
    }

    public func revoke(tokenID: String) async throws -> RevocationResult {
        let response = try await connection.send(.PATCH, endpoint.url("/v3/personal-access-tokens/" + SailPointDriver.escape(tokenID)),
                                                 body: Data(#"{"revoked":true}"#.utf8), accepting: [404])
        return response.status == 404 ? .alreadyGone : .revoked
    }

    public func create(_ request: TokenCreation) async throws -> CreatedToken {
        var body: [String: Any] = ["name": request.name, "scopes": request.scopes]
        if let expiresAt = request.expiresAt { body["expiresAt"] = ProviderTimestamp.format(expiresAt) }
        let response = try await connection.send(.POST, endpoint.url("/v3/personal-access-tokens"),
                                                 body: try JSONSerialization.data(withJSONObject: body))
        let created = try connection.decode(Created.self, from: response, what: "creating a personal access token")
        guard let secret = created.secret else {
            throw connection.error(.malformedResponse, "creating a personal access token: the response holds no token value (looked for token, accessToken, value, secret); the token \(created.id) exists and must be revoked by hand")
        }
        var timestamps = TimestampReader()
        return CreatedToken(id: created.id, secret: Secret(secret), expiresAt: timestamps.read(created.expiresAt, field: "expiresAt"))
    }

    /// The token object of the API reference; `user` beyond `id` is undocumented.
    struct Item: Decodable {
        struct User: Decodable { let id: String? }
        let id: String
        let name: String
        let createdAt: String?
        let expiresAt: String?
        let lastUsedAt: String?
        let lastRotatedAt: String?
        let revoked: Bool?
        let scopes: [String]?
        let userId: String?
        let user: User?

        var observed: ObservedToken {
            var timestamps = TimestampReader()
            let created = timestamps.read(createdAt, field: "createdAt")
            let expires = timestamps.read(expiresAt, field: "expiresAt")
            let used = timestamps.read(lastUsedAt, field: "lastUsedAt")
            var extras = timestamps.extras
            if let rotated = timestamps.read(lastRotatedAt, field: "lastRotatedAt") { extras["last_rotated_at"] = ProviderTimestamp.format(rotated) }
            return ObservedToken(id: id, name: name, owner: userId ?? user?.id, scopes: scopes ?? [], createdAt: created,
                                 expiresAt: expires, lastUsedAt: used, revoked: revoked ?? false, extras: extras)
        }
    }

    /// The create response: a token object plus the value, whose field name is not documented.
    struct Created: Decodable {
        let id: String
        let expiresAt: String?
        let secret: String?

        enum Keys: String, CodingKey { case id, expiresAt, token, accessToken, value, secret }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            id = try container.decode(String.self, forKey: .id)
            expiresAt = try container.decodeIfPresent(String.self, forKey: .expiresAt)
            secret = try [Keys.token, .accessToken, .value, .secret].lazy.compactMap { try container.decodeIfPresent(String.self, forKey: $0) }.first
        }
    }
}
