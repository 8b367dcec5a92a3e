import Foundation
import TokenWardenCore

/// AWX / Tower / AAP ≤ 2.4 controller API v2: bearer token, `count/next/results` pages of up to 200,
/// host-relative `next` links. Application tokens share the endpoint; only PATs (`application: null`)
/// are inventoried. The API does not return last use, and expiries default to a thousand years.
public struct AWXDriver: ProviderDriver {
    public var kind: ProviderKind { .awx }
    let connection: ProviderConnection
    let endpoint: Endpoint
    let pageSize: Int

    public init(provider: ProviderConfig, credential: Credential, http: ProviderHTTPClient, pageSize: Int = 200) throws {
        connection = try .bearer(provider: provider, credential: credential, http: http)
        endpoint = Endpoint(base: provider.baseURL)
        self.pageSize = min(200, max(1, pageSize))
    }

    public func tokens() -> TokenPages {
        let first = endpoint.url("/api/v2/tokens/", [("application__isnull", "true"), ("order_by", "id"), ("page_size", String(pageSize))])
        return TokenPages { [self] in LinkedPages(provider: connection.providerID, first: first, fetch: page) }
    }

    /// One `count/next/results` page; `next` is host-relative and resolved against the base (same host only).
    /// The tokens are read later, while the next page is fetched.
    @Sendable func page(_ url: String) async throws -> FetchedPage {
        let response = try await connection.send(.GET, url)
        // `next` comes before `results` in AWX's pages: found without skipping the tokens.
        let link = try connection.readLeadingField("next", of: response, what: "listing tokens") { try $0.readOptionalString() } ?? nil
        let next = try link.map { link throws(ProviderError) in try endpoint.resolve(link: link, provider: connection.providerID) }
        return FetchedPage(next: next) { [connection] in
            try connection.read(response, what: "listing tokens") { reader in
                var items: [Item]?
                try reader.readObject { reader, key in
                    guard key == "results" else { return try reader.skipValue() }
                    var results: [Item] = []
                    try reader.readArray { reader, _ in results.append(try Item(reading: &reader)) }
                    items = results
                }
                guard let items else { throw JSONReader.missing("results") }
                // The filter is a query parameter; a server that ignores it still must not mix in app tokens.
                return items.filter { $0.application == nil }.map(\.observed)
            }
        }
    }

    public func revoke(tokenID: String) async throws -> RevocationResult {
        let response = try await connection.send(.DELETE, endpoint.url("/api/v2/tokens/\(SailPointDriver.escape(tokenID))/"), accepting: [404])
        return response.status == 404 ? .alreadyGone : .revoked
    }

    /// Posts to the signed-in user's own `personal_tokens/`: AWX creates a PAT only for the caller,
    /// whatever user id the URL names (§0 of the provider reference), so naming anyone else's
    /// would only mislead. The scope is the old token's, exactly (`read`, `write` or both).
    public func create(_ request: TokenCreation) async throws -> CreatedToken {
        let scopes = Set(request.scopes)
        guard !scopes.isEmpty, scopes.isSubset(of: ["read", "write"]) else {
            throw connection.error(.unsupported, "AWX scopes are \"read\" and \"write\"; refusing to create a token with scopes \(request.scopes)")
        }
        guard let me = try await identity() else { throw connection.error(.malformedResponse, "/api/v2/me/ listed no user") }
        let body = try ProviderConnection.encode(CreateBody(description: request.name, scope: request.scopes.joined(separator: " ")))
        let response = try await connection.send(.POST, endpoint.url("/api/v2/users/\(SailPointDriver.escape(me.id))/personal_tokens/"), body: body)
        let created = try connection.decode(Created.self, from: response, what: "creating a personal access token")
        var timestamps = TimestampReader()
        return CreatedToken(id: String(created.id), secret: Secret(created.token), expiresAt: timestamps.read(created.expires, field: "expires"),
                            ownerID: created.user.map(String.init))
    }

    /// `/api/v2/me/`: the user the credential signs in as.
    public func identity() async throws -> ProviderIdentity? {
        let me = try connection.decode(Page<User>.self, from: try await connection.send(.GET, endpoint.url("/api/v2/me/")),
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
        var scope: String?
        var application: Int?

        init(reading reader: inout JSONReader) throws {
            var id: Int?
            try reader.readObject { reader, key in
                switch key {
                case "id": id = try reader.readInt()
                case "description": description = try reader.readOptionalString()
                case "user": user = try reader.readOptionalInt()
                case "created": created = try reader.readOptionalString()
                case "expires": expires = try reader.readOptionalString()
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
            var extras = timestamps.extras
            if let user { extras["user_id"] = String(user) }
            let name = (description ?? "").isEmpty ? "#\(id)" : description!
            return ObservedToken(id: String(id), name: name, owner: username ?? user.map { "user \($0)" },
                                 scopes: (scope ?? "").split(separator: " ").map(String.init), createdAt: createdAt, expiresAt: expiresAt,
                                 extras: extras)
        }
    }

    struct Created: Decodable {
        let id: Int
        let token: String
        let expires: String?
        let user: Int?
    }
}
