import Foundation
import TokenWardenCore
import TokenWardenJSON

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
        let secrets: [String]
        switch credential.value {
        case .pair(let id, let secret):
            basic = Data("\(id):\(secret)".utf8).base64EncodedString()
            secrets = [secret, "\(id):\(secret)"]
        case .bearer(let token):
            basic = Data(token.utf8).base64EncodedString()
            secrets = [token]
        }
        connection = ProviderConnection(
            providerID: provider.id, http: http,
            authorizer: FixedAuthorization(header: Secret("Basic " + basic)), secrets: (secrets + [basic]).map(Secret.init),
            listingLimits: provider.listingLimits)
        endpoint = Endpoint(base: provider.baseURL)
        self.pageSize = min(100, max(1, pageSize))
    }

    public func tokens() -> TokenPages {
        let first = pageURL(offset: 0)
        return TokenPages { [self] known in
            LinkedPages(provider: connection.providerID, limits: connection.listingLimits, first: first, known: known, fetch: page)
        }
    }

    func pageURL(offset: Int) -> String {
        endpoint.url("/api/v2/personal_access_tokens", [("per_page", String(pageSize)), ("offset", String(offset))])
    }

    /// One JSON:API page; the next one from `meta.next.offset`, else `links.next` (same host only).
    /// The tokens are read later, while the next page is fetched.
    @Sendable func page(_ url: String) async throws -> FetchedPage {
        let response = try await connection.send(.GET, url)
        let (offset, link) = try connection.read(response, what: "listing personal access tokens") { reader in
            var offset: Int?
            var link: String?
            try reader.readObject { reader, key in
                switch key {
                case "meta":
                    offset = try Self.member(of: &reader, "next") { reader in try Self.member(of: &reader, "offset") { try $0.readOptionalInt() } }
                case "links": link = try Self.member(of: &reader, "next") { try $0.readOptionalString() }
                // Read in full below, while the next page is fetched.
                case "data": try reader.skipUnvalidated()
                default: try reader.skipValue()
                }
            }
            return (offset, link)
        }
        var next: String?
        if let offset {
            next = pageURL(offset: offset)
        } else if let link {
            next = try endpoint.resolve(link: link, provider: connection.providerID)
        }
        return FetchedPage(next: next) { [connection] known in
            try connection.read(response, what: "listing personal access tokens") { reader in
                var page: ListedPage?
                try reader.readObject { reader, key in
                    guard key == "data" else { return try reader.skipValue() }
                    var resources = ListedPage()
                    try ListedItems.read(&reader, known: known, idField: Self.idField, into: &resources) { try Self.resource(&$0) }
                    page = resources
                }
                guard let page else { throw JSONReader.missing("data") }
                return page
            }
        }
    }

    /// The key `ListedItems` finds a resource's id by.
    static let idField = Array("id".utf8)

    /// A `PersonalAccessToken` resource: its `id` and `attributes.name`.
    static func resource(_ reader: inout JSONReader) throws -> ObservedToken {
        var id: String?
        var name: String?
        try reader.readObject { reader, key in
            switch key {
            case "id": id = try reader.readString()
            case "attributes":
                name = try member(of: &reader, "name") { try $0.readString() }
                guard name != nil else { throw JSONReader.missing("name") }
            default: try reader.skipValue()
            }
        }
        guard let id else { throw JSONReader.missing("id") }
        guard let name else { throw JSONReader.missing("attributes") }
        return ObservedToken(id: id, name: name)
    }

    /// One member of an object that may be absent or null (nil then), the others skipped.
    static func member<T>(of reader: inout JSONReader, _ name: String, _ read: (inout JSONReader) throws -> T?) throws -> T? {
        guard !reader.readNull() else { return nil }
        var value: T?
        try reader.readObject { reader, key in
            if key == name { value = try read(&reader) } else { try reader.skipValue() }
        }
        return value
    }

    public func revoke(tokenID: String) async throws -> RevocationResult {
        throw ProviderError(
            provider: connection.providerID, kind: .unsupported,
            message:
                "Planning Center has no API to revoke personal access tokens: a person must revoke token \(tokenID) in Planning Center's "
                + "developer settings"
        )
    }

    public func create(_ request: TokenCreation) async throws -> CreatedToken {
        throw ProviderError(
            provider: connection.providerID, kind: .unsupported,
            message: "Planning Center has no API to create personal access tokens, so they cannot be rotated")
    }
}
