import Foundation
import TokenWardenCore
import TokenWardenJSON

/// SailPoint Identity Security Cloud (IdentityNow) v3: OAuth2 client credentials (the PAT id and
/// secret), then `/v3/personal-access-tokens`. The list is documented as a plain array; it is read
/// with the standard `limit`/`offset` collection parameters (250 at most) in case the tenant pages it.
public struct SailPointDriver: ProviderDriver {
    public var kind: ProviderKind { .sailPoint }
    let connection: ProviderConnection
    let endpoint: Endpoint
    let pageSize: Int

    /// SailPoint's documented rate limit: 100 requests per 10 s per client id and API version
    /// (developer.sailpoint.com, rate limits), with no header saying how much of it is used.
    public static let documentedRateLimit = (requests: 100, seconds: 10.0)

    /// `rateLimit`: the limit to pace to (tests scale it down); SailPoint's documented one by default.
    public init(
        provider: ProviderConfig, credential: Credential, http: ProviderHTTPClient, pageSize: Int = 250,
        rateLimit: (requests: Int, seconds: Double) = documentedRateLimit
    ) throws {
        guard case .pair(let clientID, let clientSecret) = credential.value else {
            throw ProviderError(provider: provider.id, kind: .unauthorized, message: "the SailPoint credential must be CLIENT_ID:CLIENT_SECRET")
        }
        endpoint = Endpoint(base: provider.baseURL)
        // The token endpoint is not a versioned API call: it is paced apart, and counting its answer
        // would open the count's window before the tenant's (measured: a 429 in the first window).
        let pacer = RatePacer(documented: RatePacer.Limit(requests: rateLimit.requests, period: rateLimit.seconds))
        let plain = ProviderConnection(providerID: provider.id, http: http, authorizer: nil, secrets: [Secret(clientSecret)])
        let session = SailPointSession(tokenURL: endpoint.url("/oauth/token"), clientID: clientID, clientSecret: clientSecret, connection: plain)
        connection = ProviderConnection(
            providerID: provider.id, http: http, authorizer: session, pacer: pacer, secrets: [Secret(clientSecret)],
            listingLimits: provider.listingLimits)
        self.pageSize = min(250, max(1, pageSize))
    }

    /// A short page ends the listing; so does a page with nothing new (a tenant that ignores `offset`
    /// and returns the whole array every time).
    public func tokens() -> TokenPages {
        TokenPages { [self] _ in
            LinkedPages(
                provider: connection.providerID, limits: connection.listingLimits, first: pageURL(offset: 0), repeats: .endTheListing, fetch: page)
        }
    }

    func pageURL(offset: Int) -> String {
        endpoint.url("/v3/personal-access-tokens", [("limit", String(pageSize)), ("offset", String(offset))])
    }

    /// A page's length decides whether there is a next one, so it is read at once (with `JSONReader`:
    /// at the rate limit, the time spent on a window's 100 pages is time the provider's whole-second
    /// `Retry-After` cannot give back).
    @Sendable func page(_ url: String) async throws -> FetchedPage {
        let response = try await connection.send(.GET, url)
        let items = try connection.read(response, what: "listing personal access tokens") { reader in
            var items: [Item] = []
            try reader.readArray { reader, _ in items.append(try Item(reading: &reader)) }
            return items
        }
        let offset = Int(URLComponents(string: url)?.queryItems?.first { $0.name == "offset" }?.value ?? "") ?? 0
        return FetchedPage(tokens: items.map(\.observed), next: items.count < pageSize ? nil : pageURL(offset: offset + items.count))
    }

    public func revoke(tokenID: String) async throws -> RevocationResult {
        let response = try await connection.send(.DELETE, endpoint.url("/v3/personal-access-tokens/" + Endpoint.segment(tokenID)), accepting: [404])
        return response.status == 404 ? .alreadyGone : .revoked
    }

    /// Creates with exactly the requested scopes (never the `sp:scopes:all` default: all the rights
    /// of whoever signs in) and the old token's `accessTokenValiditySeconds`. v3 refuses an
    /// `expirationDate` more than six months ahead and cannot make a never-expiring token, so such a
    /// successor is created through v2025, which accepts any future date and, with
    /// `userAwareTokenNeverExpires`, none (sailpoint-oss api-specs, CreatePersonalAccessTokenRequest).
    public func create(_ request: TokenCreation) async throws -> CreatedToken {
        guard !request.scopes.isEmpty else {
            throw connection.error(
                .unsupported, "refusing to create a token without scopes: SailPoint would grant sp:scopes:all, all the rights of whoever signs in")
        }
        let v3Limit = Calendar(identifier: .gregorian).date(byAdding: .month, value: 6, to: Date()) ?? Date()
        let newer = request.neverExpires || (request.expiresAt.map { $0 > v3Limit } ?? false)
        let body = CreateBody(
            name: request.name, scope: request.scopes, accessTokenValiditySeconds: request.validitySeconds,
            expirationDate: request.expiresAt.map(ProviderTimestamp.format),
            userAwareTokenNeverExpires: request.neverExpires && request.expiresAt == nil ? true : nil)
        let response = try await connection.send(
            .POST, endpoint.url(newer ? "/v2025/personal-access-tokens" : "/v3/personal-access-tokens"),
            body: try ProviderConnection.encode(body))
        let created = try connection.decode(Created.self, from: response, what: "creating a personal access token")
        var timestamps = TimestampReader()
        return CreatedToken(
            id: created.id, secret: Secret(created.secret),
            expiresAt: timestamps.read(created.expirationDate, field: "expirationDate"), ownerID: created.owner?.id)
    }

    /// CreatePersonalAccessTokenRequest; absent fields are left out, not sent as null.
    struct CreateBody: Encodable {
        let name: String
        let scope: [String]
        let accessTokenValiditySeconds: Int?
        let expirationDate: String?
        let userAwareTokenNeverExpires: Bool?
    }

    /// GetPersonalAccessTokenResponse.
    struct Item {
        struct Owner: Decodable {
            var id: String?
            var name: String?
        }
        var id = ""
        var name = ""
        var scope: [String]?
        var owner: Owner?
        var created: String?
        var lastUsed: String?
        var managed: Bool?
        var expirationDate: String?
        var accessTokenValiditySeconds: Int?

        /// The fields tokenwarden keeps; others are skipped.
        init(reading reader: inout JSONReader) throws {
            var (hasID, hasName) = (false, false)
            try reader.readObject { reader, key in
                switch key {
                case "id":
                    id = try reader.readString()
                    hasID = true
                case "name":
                    name = try reader.readString()
                    hasName = true
                case "scope":
                    guard !reader.readNull() else { return }
                    var scopes: [String] = []
                    try reader.readArray { reader, _ in scopes.append(try reader.readString()) }
                    scope = scopes
                case "owner":
                    guard !reader.readNull() else { return }
                    var owner = Owner()
                    try reader.readObject { reader, key in
                        switch key {
                        case "id": owner.id = try reader.readOptionalString()
                        case "name": owner.name = try reader.readOptionalString()
                        default: try reader.skipValue()
                        }
                    }
                    self.owner = owner
                case "created": created = try reader.readOptionalString()
                case "lastUsed": lastUsed = try reader.readOptionalString()
                case "managed": managed = try reader.readOptionalBool()
                case "expirationDate": expirationDate = try reader.readOptionalString()
                case "accessTokenValiditySeconds": accessTokenValiditySeconds = try reader.readOptionalInt()
                default: try reader.skipValue()
                }
            }
            guard hasID else { throw JSONReader.missing("id") }
            guard hasName else { throw JSONReader.missing("name") }
        }

        var observed: ObservedToken {
            var timestamps = TimestampReader()
            let createdAt = timestamps.read(created, field: "created")
            let lastUsedAt = timestamps.read(lastUsed, field: "lastUsed")
            let expiresAt = timestamps.read(expirationDate, field: "expirationDate")
            var extras = timestamps.extras
            extras["managed"] = String(managed ?? false)
            if let ownerID = owner?.id { extras["owner_id"] = ownerID }
            if let seconds = accessTokenValiditySeconds { extras["access_token_validity_seconds"] = String(seconds) }
            return ObservedToken(
                id: id, name: name, owner: owner?.name ?? owner?.id, scopes: scope ?? [],
                createdAt: createdAt, expiresAt: expiresAt, lastUsedAt: lastUsedAt, extras: extras)
        }
    }

    /// CreatePersonalAccessTokenResponse: the only response that ever holds `secret`.
    struct Created: Decodable {
        let id: String
        let secret: String
        let expirationDate: String?
        let owner: Item.Owner?
    }
}
