import Foundation
import NIOHTTP1
import TokenWardenCore
import TokenWardenJSON

/// The Ansible token APIs, which share one serializer family (DRF `count/next/results` pages of up
/// to 200, host-relative `next` links, create-for-self): AWX / Tower / AAP ≤ 2.4's controller API v2,
/// and AAP 2.5+'s platform gateway (django-ansible-base's oauth2_provider), which also reports
/// `last_used`. Application tokens share the endpoint; only PATs (`application: null`) are
/// inventoried. Expiries default to a thousand years.
public struct AWXDriver: ProviderDriver {
    /// Where an Ansible API keeps its tokens.
    public enum API: Sendable {
        /// AWX ≤ 24.x, Tower, AAP ≤ 2.4: `/api/v2/`.
        case controller
        /// AAP 2.5+: `/api/gateway/v1/` (AWX's development branch removed `/api/v2/tokens/`).
        case gateway

        var tokens: String { self == .controller ? "/api/v2/tokens/" : "/api/gateway/v1/tokens/" }
        var me: String { self == .controller ? "/api/v2/me/" : "/api/gateway/v1/me/" }
        /// What an admin should have written instead when this API's paths answer 404.
        var otherKind: String {
            self == .controller
                ? "AAP 2.5 and later manage tokens at the platform gateway, and current AWX has no /api/v2/tokens/: if GET /api/ lists "
                    + "\"gateway\", use kind = \"aap\""
                : "AWX 24.x and older, Tower and AAP 2.4 and older serve tokens at /api/v2/tokens/: use kind = \"awx\""
        }
    }

    public var kind: ProviderKind { api == .controller ? .awx : .aap }
    let connection: ProviderConnection
    let endpoint: Endpoint
    let pageSize: Int
    let api: API

    public init(provider: ProviderConfig, credential: Credential, http: ProviderHTTPClient, pageSize: Int = 200, api: API = .controller) throws {
        connection = try .bearer(provider: provider, credential: credential, http: http)
        endpoint = Endpoint(base: provider.baseURL)
        self.pageSize = min(200, max(1, pageSize))
        self.api = api
    }

    public func tokens() -> TokenPages {
        let first = endpoint.url(api.tokens, [("application__isnull", "true"), ("order_by", "id"), ("page_size", String(pageSize))])
        return TokenPages { [self] known in
            LinkedPages(provider: connection.providerID, limits: connection.listingLimits, first: first, known: known, fetch: page)
        }
    }

    /// Sends, saying which kind to use when the paths of this one are not there.
    func send(_ method: HTTPMethod, _ url: String, body: Data? = nil, accepting: Set<Int> = []) async throws(ProviderError)
        -> ProviderConnection.Response
    {
        do {
            return try await connection.send(method, url, body: body, accepting: accepting)
        } catch {
            guard error.kind == .notFound else { throw error }
            throw ProviderError(provider: error.provider, kind: .notFound, message: "\(error.message). \(api.otherKind)")
        }
    }

    /// One `count/next/results` page; `next` is host-relative and resolved against the base (same host only).
    /// The tokens are read later, while the next page is fetched.
    @Sendable func page(_ url: String) async throws -> FetchedPage {
        let response = try await send(.GET, url)
        // `next` comes before `results` in AWX's pages: found without skipping the tokens.
        let link = try connection.readLeadingField("next", of: response, what: "listing tokens") { try $0.readOptionalString() } ?? nil
        let next = try link.map { link throws(ProviderError) in try endpoint.resolve(link: link, provider: connection.providerID) }
        return FetchedPage(next: next) { [connection] known in
            try connection.read(response, what: "listing tokens") { reader in
                var page: ListedPage?
                try reader.readObject { reader, key in
                    guard key == "results" else { return try reader.skipValue() }
                    var results = ListedPage()
                    try ListedItems.read(&reader, known: known, idField: Item.idField, into: &results) { reader in
                        let item = try Item(reading: &reader)
                        // The filter is a query parameter; a server that ignores it still must not mix in app tokens.
                        return item.application == nil ? item.observed : nil
                    }
                    page = results
                }
                guard let page else { throw JSONReader.missing("results") }
                return page
            }
        }
    }

    public func revoke(tokenID: String) async throws -> RevocationResult {
        let response = try await connection.send(.DELETE, endpoint.url(api.tokens + "\(Endpoint.segment(tokenID))/"), accepting: [404])
        return response.status == 404 ? .alreadyGone : .revoked
    }

    /// Posts to the signed-in user's own `personal_tokens/` (the gateway: `tokens/`): both create a
    /// token only for the caller, whatever user the URL or body names (§0 of the provider reference),
    /// so naming anyone else would only mislead. The scope is the old token's, exactly.
    public func create(_ request: TokenCreation) async throws -> CreatedToken {
        let scopes = Set(request.scopes)
        guard !scopes.isEmpty, scopes.isSubset(of: ["read", "write"]) else {
            throw connection.error(.unsupported, "AWX scopes are \"read\" and \"write\"; refusing to create a token with scopes \(request.scopes)")
        }
        guard let me = try await identity() else { throw connection.error(.malformedResponse, "\(api.me) listed no user") }
        let body = try ProviderConnection.encode(CreateBody(description: request.name, scope: request.scopes.joined(separator: " ")))
        let path = api == .controller ? "/api/v2/users/\(Endpoint.segment(me.id))/personal_tokens/" : api.tokens
        let response = try await send(.POST, endpoint.url(path), body: body)
        let created = try connection.decode(Created.self, from: response, what: "creating a personal access token")
        var timestamps = TimestampReader()
        return CreatedToken(
            id: String(created.id), secret: Secret(created.token), expiresAt: timestamps.read(created.expires, field: "expires"),
            ownerID: created.user.map(String.init))
    }

    /// `me/`: the user the credential signs in as.
    public func identity() async throws -> ProviderIdentity? {
        let me = try connection.decode(
            Page<User>.self, from: try await send(.GET, endpoint.url(api.me)),
            what: "finding the user tokenwarden signs in as")
        return me.results.first.map { ProviderIdentity(id: String($0.id), name: $0.username) }
    }

    /// `application` is sent as an explicit null: a personal token belongs to no application.
    struct CreateBody: Encodable {
        let description: String
        let scope: String

        enum CodingKeys: String, CodingKey { case description, application, scope }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(description, forKey: .description)
            try container.encodeNil(forKey: .application)
            try container.encode(scope, forKey: .scope)
        }
    }

    struct Page<Result: Decodable>: Decodable { let results: [Result] }

    struct User: Decodable {
        let id: Int
        let username: String?
    }

    /// A token of a listing page: the fields tokenwarden keeps.
    struct Item {
        var id = 0
        var description: String?
        var user: Int?
        var username: String?
        var created: String?
        var expires: String?
        var lastUsed: String?
        var scope: String?
        var application: Int?

        /// The key `ListedItems` finds a listed token's id by.
        static let idField = Array("id".utf8)

        init(reading reader: inout JSONReader) throws {
            var id: Int?
            try reader.readObject { reader, key in
                switch key {
                case "id": id = try reader.readInt()
                case "description": description = try reader.readOptionalString()
                case "user": user = try reader.readOptionalInt()
                case "created": created = try reader.readOptionalString()
                case "expires": expires = try reader.readOptionalString()
                case "last_used": lastUsed = try reader.readOptionalString()
                case "scope": scope = try reader.readOptionalString()
                case "application": application = try reader.readOptionalInt()
                case "summary_fields": username = try Self.username(in: &reader)
                default: try reader.skipValue()
                }
            }
            guard let id else { throw JSONReader.missing("id") }
            self.id = id
        }

        /// `summary_fields.user.username`, when there.
        static func username(in reader: inout JSONReader) throws -> String? {
            var username: String?
            guard !reader.readNull() else { return nil }
            try reader.readObject { reader, key in
                guard key == "user" else { return try reader.skipValue() }
                guard !reader.readNull() else { return }
                try reader.readObject { reader, key in
                    if key == "username" { username = try reader.readOptionalString() } else { try reader.skipValue() }
                }
            }
            return username
        }

        var observed: ObservedToken {
            var timestamps = TimestampReader()
            let createdAt = timestamps.read(created, field: "created")
            let expiresAt = timestamps.read(expires, field: "expires")
            let lastUsedAt = timestamps.read(lastUsed, field: "last_used")
            var extras = timestamps.extras
            if let user { extras["user_id"] = String(user) }
            let name = (description ?? "").isEmpty ? "#\(id)" : description!
            return ObservedToken(
                id: String(id), name: name, owner: username ?? user.map { "user \($0)" },
                scopes: (scope ?? "").split(separator: " ").map(String.init), createdAt: createdAt, expiresAt: expiresAt,
                lastUsedAt: lastUsedAt, extras: extras)
        }
    }

    struct Created: Decodable {
        let id: Int
        let token: String
        let expires: String?
        let user: Int?
    }
}
