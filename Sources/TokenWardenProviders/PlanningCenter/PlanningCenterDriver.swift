import Foundation
import TokenWardenCore

/// Planning Center's `api` app (2019-02-13): HTTP Basic with `APPLICATION_ID:SECRET`, JSON:API
/// offset pagination. Its PAT objects carry only a name, and there is no revoke or create API.
public struct PlanningCenterDriver: ProviderDriver {
    public var kind: ProviderKind { .planningCenter }
    let connection: ProviderConnection
    let endpoint: Endpoint
    /// `per_page`, 1…100 (the API's maximum, and the default here).
    let pageSize: Int

    public init(provider: ProviderConfig, credential: Credential, http: ProviderHTTPClient, pageSize: Int = 100) {
        let basic: String
        switch credential.value {
        case let .pair(id, secret): basic = Data("\(id):\(secret)".utf8).base64EncodedString()
        case let .bearer(token): basic = Data(token.utf8).base64EncodedString()
        }
        connection = ProviderConnection(providerID: provider.id, http: http,
                                        authorizer: FixedAuthorization(header: "Basic " + basic), secrets: [basic])
        endpoint = Endpoint(base: provider.baseURL)
        self.pageSize = min(100, max(1, pageSize))
    }

    public func tokens() -> TokenPages {
        let first = pageURL(offset: 0)
        return TokenPages { [self] in LinkedPages(provider: connection.providerID, first: first, fetch: page) }
    }

    func pageURL(offset: Int) -> String {
        endpoint.url("/api/v2/personal_access_tokens", [("per_page", String(pageSize)), ("offset", String(offset))])
    }

    /// One JSON:API page; the next one from `meta.next.offset`, else `links.next` (same host only).
    @Sendable func page(_ url: String) async throws -> (tokens: [ObservedToken], next: String?) {
        let page = try connection.decode(Page.self, from: try await connection.send(.GET, url), what: "listing personal access tokens")
        var next: String?
        if let offset = page.meta?.next?.offset {
            next = pageURL(offset: offset)
        } else if let link = page.links?.next {
            next = try endpoint.resolve(link: link, provider: connection.providerID)
        }
        return (page.data.map { ObservedToken(id: $0.id, name: $0.attributes.name) }, next)
    }

    public func revoke(tokenID: String) async throws -> RevocationResult {
        throw ProviderError(provider: connection.providerID, kind: .unsupported,
                            message: "Planning Center has no API to revoke personal access tokens: a person must revoke token \(tokenID) in Planning Center's developer settings")
    }

    public func create(_ request: TokenCreation) async throws -> CreatedToken {
        throw ProviderError(provider: connection.providerID, kind: .unsupported,
                            message: "Planning Center has no API to create personal access tokens, so they cannot be rotated")
    }

    /// A JSON:API page: `data`, `links.next`, `meta.next.offset`.
    struct Page: Decodable {
        struct Resource: Decodable {
            struct Attributes: Decodable { let name: String }
            let id: String
            let attributes: Attributes
        }
        struct Links: Decodable { let next: String? }
        struct Meta: Decodable {
            struct Next: Decodable { let offset: Int? }
            let next: Next?
        }
        let data: [Resource]
        let links: Links?
        let meta: Meta?
    }
}
