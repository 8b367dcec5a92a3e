import Foundation
import TokenWardenCore

extension SimulatedProvider {
    /// An `ErrorResponseDto`.
    static func sailPointError(_ status: Int, _ text: String) -> SimulatedResponse {
        .json(
            status,
            [
                "detailCode": "\(status) \(text)", "trackingId": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
                "messages": [["locale": "en-US", "localeOrigin": "DEFAULT", "text": text]], "causes": [Any](),
            ])
    }

    /// The identity a SailPoint token belongs to, as its listing shows it.
    static func sailPointOwnerID(of token: ObservedToken) -> String {
        token.extras["owner_id"] ?? SimulatedAccount.identity(of: token.owner ?? "", kind: .sailPoint).id
    }

    /// `/oauth/token` (client credentials) and `/v3/personal-access-tokens`: list with `limit` (≤ 250)
    /// and `offset`, create (200, the secret once), delete (204). Errors are `ErrorResponseDto`s.
    func sailPoint(_ request: SimulatedRequest) -> SimulatedResponse {
        let error = Self.sailPointError
        if request.path == "/oauth/token" {
            guard request.method == "POST" else { return error(405, "Method not allowed") }
            var form = request.query
            for pair in String(decoding: request.body, as: UTF8.self).split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
                if parts.count == 2 { form[parts[0]] = parts[1] }
            }
            let presented = "\(form["client_id"] ?? ""):\(form["client_secret"] ?? "")"
            guard form["grant_type"] == "client_credentials", let account = account(presenting: presented) else {
                return error(401, "Invalid client credentials")
            }
            let session = "eyJhbGciOiJSUzI1NiJ9." + Self.randomSecret()
            sessions[session] = (account, presented)
            return .json(200, ["access_token": session, "token_type": "bearer", "expires_in": 43_199, "scope": "sp:scopes:all"])
        }
        guard let authorization = request.authorization, authorization.hasPrefix("Bearer "),
            let session = sessions[String(authorization.dropFirst(7))], let account = account(presenting: session.presented)
        else {
            return error(401, "Unauthorized: a valid access token is required")
        }
        if active(.expiredSession) {
            sessions.removeAll()
            return error(401, "JWT expired")
        }
        let collection = "/v3/personal-access-tokens"
        func item(_ token: ObservedToken, secret: String? = nil) -> SailPointToken {
            let stamp = { (date: Date?) in date.map { SimulatedTimestamp.format($0, fractionDigits: 3) } }
            let ownerID = Self.sailPointOwnerID(of: token)
            return SailPointToken(
                id: token.id, secret: secret, name: token.name, scope: token.scopes,
                owner: .init(id: ownerID, name: token.owner ?? "unknown"), created: JSONNull(stamp(token.createdAt)),
                lastUsed: stamp(token.lastUsedAt), managed: token.extras["managed"] == "true",
                accessTokenValiditySeconds: token.extras["access_token_validity_seconds"].flatMap(Int.init) ?? 43_200,
                expirationDate: JSONNull(stamp(token.expiresAt)), userAwareTokenNeverExpires: token.expiresAt == nil)
        }
        switch (request.method, request.path) {
        case ("GET", collection):
            return listing(error) {
                let limit = min(250, max(1, request.int("limit") ?? 250))
                return encodedArray(page(offset: request.int("offset") ?? 0, limit: limit)) { item($0) }
            }
        case ("POST", collection), ("POST", "/v2025/personal-access-tokens"):
            // The caller's own token (no owner is taken); scope defaults to sp:scopes:all, "all the
            // rights of the owner who created it"; v3 allows an expiry at most six months ahead, v2025
            // any future date, or none with userAwareTokenNeverExpires (sailpoint-oss api-specs).
            guard let body = request.decoded(SimulatedRequestBody.SailPointCreate.self), let name = body.name, !name.isEmpty else {
                return error(400, "The request was syntactically correct but its content is semantically invalid.")
            }
            // "Cannot be the same as another PAT owned by the user" (CreatePersonalAccessTokenRequest.name),
            // and `accessTokenValiditySeconds` is 15..43200, in v3 and v2025 alike.
            if tokens.contains(where: { !$0.revoked && $0.name == name && Self.sailPointOwnerID(of: $0) == account.ownerID }) {
                return error(400, "A personal access token named \(name) already exists")
            }
            if let seconds = body.accessTokenValiditySeconds, !(15...43_200).contains(seconds) {
                return error(400, "accessTokenValiditySeconds must be between 15 and 43200")
            }
            let v3 = request.path == collection
            let requested = body.expirationDate.flatMap { try? ProviderTimestamp.parse($0).date }
            let sixMonths = Calendar(identifier: .gregorian).date(byAdding: .month, value: 6, to: now()) ?? now()
            if let requested, requested <= now() { return error(400, "expirationDate must be in the future") }
            if v3, let requested, requested > sixMonths.addingTimeInterval(86_400) {
                return error(400, "expirationDate must be within 6 months of the creation date")
            }
            let neverExpires = body.userAwareTokenNeverExpires == true
            if !v3, requested == nil, !neverExpires { return error(400, "expirationDate is required unless userAwareTokenNeverExpires is true") }
            let expires = requested ?? (v3 ? sixMonths : nil)
            var extras = ["owner_id": account.ownerID]
            if let seconds = body.accessTokenValiditySeconds { extras["access_token_validity_seconds"] = String(seconds) }
            let created = issue(
                ObservedToken(
                    id: String(format: "%032x", nextID), name: name, owner: account.ownerName,
                    scopes: body.scope ?? ["sp:scopes:all"], createdAt: now(), expiresAt: expires,
                    extras: extras))
            return .encoded(200, item(created.token, secret: created.secret))
        case ("DELETE", _) where request.path.hasPrefix(collection + "/"):
            return remove(id: String(request.path.dropFirst(collection.count + 1))) ? .empty(204) : error(404, "Object not found")
        default:
            return error(404, "Not found")
        }
    }
}

/// GetPersonalAccessTokenResponse; with `secret` it is the CreatePersonalAccessTokenResponse.
struct SailPointToken: Encodable, Sendable {
    struct Owner: Encodable, Sendable {
        var type = "IDENTITY"
        let id: String
        let name: String
    }
    let id: String
    /// Only in the create response.
    let secret: String?
    let name: String
    let scope: [String]
    let owner: Owner
    let created: JSONNull<String>
    /// Absent, not null, on never-used tokens.
    let lastUsed: String?
    let managed: Bool
    let accessTokenValiditySeconds: Int
    let expirationDate: JSONNull<String>
    let userAwareTokenNeverExpires: Bool
}
