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
        // The API reference allows `limit` 1..100.
        self.pageSize = min(100, max(1, pageSize))
    }

    /// Pages until an empty one; a server that ignores `page` repeats the first page forever, which is
    /// a loop, not the end.
    public func tokens() -> TokenPages {
        TokenPages { [self] _ in LinkedPages(provider: connection.providerID, limits: connection.listingLimits, first: pageURL(1), fetch: page) }
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
        let response = try await connection.send(
            .PATCH, endpoint.url("/v3/personal-access-tokens/" + Endpoint.segment(tokenID)),
            body: Data(#"{"revoked":true}"#.utf8), accepting: [404])
        return response.status == 404 ? .alreadyGone : .revoked
    }

    /// Creates with exactly the requested scopes. The field that carries the new token's value is
    /// documented nowhere (provider reference §0.4): an answer without a recognisable value leaves a
    /// live token nobody holds, so it is revoked at once and the create reported failed.
    public func create(_ request: TokenCreation) async throws -> CreatedToken {
        guard !request.scopes.isEmpty else {
            throw connection.error(.unsupported, "refusing to create a token without scopes (the old token's are not known)")
        }
        let body = CreateBody(name: request.name, scopes: request.scopes, expiresAt: request.expiresAt.map(ProviderTimestamp.format))
        let response = try await connection.send(.POST, endpoint.url("/v3/personal-access-tokens"), body: try ProviderConnection.encode(body))
        let created = try connection.decode(Created.self, from: response, what: "creating a personal access token")
        guard let secret = created.secret else {
            let undone = (try? await revoke(tokenID: created.id)) != nil
            throw connection.error(
                .malformedResponse,
                "creating a personal access token: the answer holds no token value (looked for token, accessToken, value, secret); "
                    + (undone
                        ? "the new token \(created.id) was revoked at once" : "revoking the new token \(created.id) failed too: revoke it by hand"))
        }
        var timestamps = TimestampReader()
        var token = CreatedToken(
            id: created.id, secret: Secret(secret), expiresAt: timestamps.read(created.expiresAt, field: "expiresAt"),
            ownerID: created.userId ?? created.user?.id)
        token.fieldsFound = created.fieldsFound
        return token
    }

    /// The create body of the third-party .NET client; `expiresAt` left out means no expiry.
    struct CreateBody: Encodable {
        let name: String
        let scopes: [String]
        let expiresAt: String?
    }

    /// The token object of the API reference; `user` beyond `id` is undocumented: its `email`, where
    /// present, fills in the owner's address for `notify.to = ["owner"]` (untrusted: checked first).
    struct Item: Decodable {
        struct User: Decodable {
            let id: String?
            let email: String?
        }
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
            if let owner = userId ?? user?.id { extras["owner_id"] = owner }
            if let email = user?.email, OwnerMap.isAddress(email) { extras[OwnerMap.addressExtra] = email }
            return ObservedToken(
                id: id, name: name, owner: userId ?? user?.id, scopes: scopes ?? [], createdAt: created,
                expiresAt: expires, lastUsedAt: used, revoked: revoked ?? false, extras: extras)
        }
    }

    /// The create response: a token object plus the value, whose field name is not documented.
    struct Created: Decodable {
        let id: String
        let expiresAt: String?
        let secret: String?
        let userId: String?
        let user: Item.User?
        /// Which candidate field held the value and the owner (no public spec says).
        var fieldsFound: [String] = []

        enum Keys: String, CodingKey { case id, expiresAt, token, accessToken, value, secret, userId, user }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            id = try container.decode(String.self, forKey: .id)
            expiresAt = try container.decodeIfPresent(String.self, forKey: .expiresAt)
            let secretField = try [Keys.token, .accessToken, .value, .secret].first { try container.decodeIfPresent(String.self, forKey: $0) != nil }
            secret = try secretField.flatMap { try container.decodeIfPresent(String.self, forKey: $0) }
            userId = try container.decodeIfPresent(String.self, forKey: .userId)
            user = try container.decodeIfPresent(Item.User.self, forKey: .user)
            fieldsFound = [
                "secret: " + (secretField.map { "\"\($0.rawValue)\"" } ?? "none of token, accessToken, value, secret"),
                "owner: " + (userId != nil ? "\"userId\"" : user?.id != nil ? "\"user.id\"" : "none of userId, user.id"),
            ]
        }
    }
}
