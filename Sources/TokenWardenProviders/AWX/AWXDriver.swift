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
    @Sendable func page(_ url: String) async throws -> (tokens: [ObservedToken], next: String?) {
        let page = try connection.decode(Page<Item>.self, from: try await connection.send(.GET, url), what: "listing tokens")
        let next = try page.next.map { link throws(ProviderError) in try endpoint.resolve(link: link, provider: connection.providerID) }
        // The filter is a query parameter; a server that ignores it still must not mix in app tokens.
        return (page.results.filter { $0.application == nil }.map(\.observed), next)
    }

    public func revoke(tokenID: String) async throws -> RevocationResult {
        let response = try await connection.send(.DELETE, endpoint.url("/api/v2/tokens/\(SailPointDriver.escape(tokenID))/"), accepting: [404])
        return response.status == 404 ? .alreadyGone : .revoked
    }

    public func create(_ request: TokenCreation) async throws -> CreatedToken {
        let userID: String
        if let ownerID = request.ownerID {
            userID = ownerID
        } else {
            let me = try connection.decode(Page<User>.self, from: try await connection.send(.GET, endpoint.url("/api/v2/me/")), what: "finding tokenwarden's own user")
            guard let id = me.results.first?.id else { throw connection.error(.malformedResponse, "/api/v2/me/ listed no user") }
            userID = String(id)
        }
        let scope = request.scopes.contains("write") ? "write" : "read"
        let body = try JSONSerialization.data(withJSONObject: ["description": request.name, "application": NSNull(), "scope": scope] as [String: Any])
        let response = try await connection.send(.POST, endpoint.url("/api/v2/users/\(SailPointDriver.escape(userID))/personal_tokens/"), body: body)
        let created = try connection.decode(Created.self, from: response, what: "creating a personal access token")
        var timestamps = TimestampReader()
        return CreatedToken(id: String(created.id), secret: Secret(created.token), expiresAt: timestamps.read(created.expires, field: "expires"))
    }

    struct Page<Result: Decodable>: Decodable {
        let next: String?
        let results: [Result]
    }

    struct User: Decodable { let id: Int }

    struct Item: Decodable {
        struct Summary: Decodable {
            struct User: Decodable { let username: String? }
            let user: User?
        }
        let id: Int
        let description: String?
        let user: Int?
        let summary_fields: Summary?
        let created: String?
        let expires: String?
        let scope: String?
        let application: Int?

        var observed: ObservedToken {
            var timestamps = TimestampReader()
            let createdAt = timestamps.read(created, field: "created")
            let expiresAt = timestamps.read(expires, field: "expires")
            var extras = timestamps.extras
            if let user { extras["user_id"] = String(user) }
            let name = (description ?? "").isEmpty ? "#\(id)" : description!
            return ObservedToken(id: String(id), name: name, owner: summary_fields?.user?.username ?? user.map { "user \($0)" },
                                 scopes: (scope ?? "").split(separator: " ").map(String.init), createdAt: createdAt, expiresAt: expiresAt,
                                 extras: extras)
        }
    }

    struct Created: Decodable {
        let id: Int
        let token: String
        let expires: String?
    }
}
