import Foundation
import TokenWardenCore

/// 12d Synergy (on-premise) `/api/v1/auth/…`: the caller's own PATs as one plain array; create
/// returns the new token as a bare JSON string, delete is a POST. Timestamps carry offsets and a
/// varying number of fraction digits.
public struct SynergyDriver: ProviderDriver {
    public var kind: ProviderKind { .synergy }
    let connection: ProviderConnection
    let endpoint: Endpoint

    public init(provider: ProviderConfig, credential: Credential, http: ProviderHTTPClient) throws {
        connection = try .bearer(provider: provider, credential: credential, http: http)
        endpoint = Endpoint(base: provider.baseURL)
    }

    /// The whole list in one page.
    public func tokens() -> TokenPages {
        TokenPages { [self] _ in
            LinkedPages(provider: connection.providerID, limits: connection.listingLimits, first: endpoint.url(Self.listPath)) { _ in
                FetchedPage(tokens: try await list().map(\.observed), next: nil)
            }
        }
    }

    static let listPath = "/api/v1/auth/getPersonalAccessTokens"

    /// What `delete-pat` answers for an id it does not know is undocumented (an empty 200 would be
    /// indistinguishable from success), so the listing decides: a token not listed is already gone,
    /// and one still listed after the delete was not deleted, whatever the answer said.
    public func revoke(tokenID: String) async throws -> RevocationResult {
        guard try await list().contains(where: { String($0.ID) == tokenID }) else { return .alreadyGone }
        // Deleting twice has the same effect as once, so this POST may be retried.
        let response = try await connection.send(
            .POST, endpoint.url("/api/v1/auth/delete-pat", [("id", tokenID)]),
            accepting: [404], idempotent: true)
        guard try await list().contains(where: { String($0.ID) == tokenID }) else { return response.status == 404 ? .alreadyGone : .revoked }
        throw connection.error(
            .malformedResponse, "delete-pat answered \(response.status) for token \(tokenID), but it is still listed; it was not deleted")
    }

    /// `generate-pat` answers with the secret only, so the new token's id is found by listing
    /// before and after and taking the one new token with the requested name.
    public func create(_ request: TokenCreation) async throws -> CreatedToken {
        let before = Set(try await list().map(\.ID))
        let days = request.expiresAt.map { max(1, min(180, Int(($0.timeIntervalSinceNow / 86_400).rounded(.up)))) } ?? 180
        let body = try ProviderConnection.encode(GenerateBody(ClientId: "tokenwarden", Name: request.name, ExpireInDays: days))
        let response = try await connection.send(.POST, endpoint.url("/api/v1/auth/generate-pat"), body: body)
        let secret = try connection.decode(String.self, from: response, what: "generating a personal access token")
        let new = try await list().filter { !before.contains($0.ID) && $0.Name == request.name }
        guard new.count == 1, let token = new.first else {
            throw connection.error(
                .malformedResponse,
                "a token named \"\(request.name)\" was generated but \(new.count) new tokens have that name, so its id is unknown; delete "
                    + "the extra token by hand"
            )
        }
        let clamped = request.expiresAt.map { Int(($0.timeIntervalSinceNow / 86_400).rounded(.up)) }.map { $0 != days } ?? false
        return CreatedToken(
            id: String(token.ID), secret: Secret(secret), expiresAt: token.observed.expiresAt, ownerID: token.UserID?.IDString,
            adjustments: clamped ? ["12d Synergy allows 1 to 180 days (ExpireInDays): the new token expires in \(days) days"] : [])
    }

    func list() async throws(ProviderError) -> [Item] {
        let response = try await connection.send(.GET, endpoint.url(Self.listPath))
        return try connection.decode([Item].self, from: response, what: "listing personal access tokens")
    }

    /// `generate-pat`'s body; the UI allows 1..180 days.
    struct GenerateBody: Encodable {
        let ClientId: String
        let Name: String
        let ExpireInDays: Int
    }

    /// One PAT of `getPersonalAccessTokens`.
    struct Item: Decodable {
        struct User: Decodable { let IDString: String? }
        let ID: Int
        let Name: String
        let CreatedOn: String?
        let Expiry: String?
        let ExpiryReminderState: Int?
        let UserID: User?

        var observed: ObservedToken {
            var timestamps = TimestampReader()
            let created = timestamps.read(CreatedOn, field: "CreatedOn")
            let expires = timestamps.read(Expiry, field: "Expiry")
            var extras = timestamps.extras
            // Undocumented: probably 0 none sent, 1 one-week reminder sent, 2 expiry notice sent. Kept raw.
            if let state = ExpiryReminderState { extras["ExpiryReminderState"] = String(state) }
            if let owner = UserID?.IDString { extras["owner_id"] = owner }
            return ObservedToken(id: String(ID), name: Name, owner: UserID?.IDString, createdAt: created, expiresAt: expires, extras: extras)
        }
    }
}
