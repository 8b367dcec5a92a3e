import Foundation
import TokenWardenCore

extension SimulatedProvider {
    /// `/v3/personal-access-tokens`: bearer PAT, `page` (1-based) and `limit` until an empty page,
    /// revoke by PATCH `{"revoked": true}`, delete, create; `X-Rate-Limit-*` headers.
    func cryptlex(_ request: SimulatedRequest) -> SimulatedResponse {
        var response = cryptlexRoute(request, error: Self.cryptlexError)
        // As documented: the window's length, what is left of it, and the UTC time it resets.
        response.headers += [
            ("X-Rate-Limit-Limit", "5s"), ("X-Rate-Limit-Remaining", "50"),
            ("X-Rate-Limit-Reset", SimulatedTimestamp.format(now().addingTimeInterval(5), fractionDigits: 0)),
        ]
        return response
    }

    static func cryptlexError(_ status: Int, _ message: String) -> SimulatedResponse {
        .json(status, ["message": message, "code": status == 401 ? "UNAUTHORIZED" : "ERROR", "reasonPhrase": message])
    }

    private func cryptlexRoute(_ request: SimulatedRequest, error: (Int, String) -> SimulatedResponse) -> SimulatedResponse {
        guard let account = account(bearer: request.authorization) else { return error(401, "Invalid access token") }
        let collection = "/v3/personal-access-tokens"
        func item(_ token: ObservedToken, secret: String? = nil) -> CryptlexToken {
            let stamp = { (date: Date?) in JSONNull(date.map { SimulatedTimestamp.format($0, fractionDigits: 0) }) }
            return CryptlexToken(
                id: token.id, createdAt: stamp(token.createdAt), updatedAt: stamp(token.lastUsedAt ?? token.createdAt),
                name: token.name, expiresAt: stamp(token.expiresAt), revoked: token.revoked, scopes: token.scopes,
                userId: JSONNull(token.owner), user: ["id": JSONNull(token.owner), "email": JSONNull(token.owner.map { "\($0)@example.com" })],
                lastUsedAt: stamp(token.lastUsedAt),
                token: secret)
        }
        let id = request.path.hasPrefix(collection + "/") ? String(request.path.dropFirst(collection.count + 1)) : nil
        switch (request.method, id) {
        case ("GET", nil) where request.path == collection:
            return listing(error) {
                let limit = min(100, max(1, request.int("limit") ?? 10))
                let page = max(1, request.int("page") ?? 1)
                // With the loop fault, a page past the end serves the first page again.
                let offset = (page - 1) * limit >= tokens.count && active(.paginationLoop) ? 0 : (page - 1) * limit
                // With the endless fault, a page past the end holds a page of tokens never seen before.
                if offset >= tokens.count, active(.endlessPages) {
                    let made = (0..<limit).map { ObservedToken(id: "endless-\(page)-\($0)", name: "endless \(page).\($0)", createdAt: Date()) }
                    return .encoded(200, made.map { item($0) })
                }
                return .encoded(200, self.page(offset: offset, limit: limit).map { item($0) })
            }
        case ("GET", let id?):
            guard let token = tokens.first(where: { $0.id == id }) else { return error(404, "Personal access token not found") }
            return .encoded(200, item(token))
        case ("PATCH", let id?):
            guard request.decoded(SimulatedRequestBody.CryptlexUpdate.self)?.revoked == true else {
                return error(400, "Only {\"revoked\": true} is supported by this simulator")
            }
            guard let token = markRevoked(id: id) else { return error(404, "Personal access token not found") }
            return .encoded(200, item(token))
        case ("DELETE", let id?):
            return remove(id: id) ? .empty(204) : error(404, "Personal access token not found")
        case ("POST", nil) where request.path == collection:
            guard let body = request.decoded(SimulatedRequestBody.CryptlexCreate.self), let name = body.name, !name.isEmpty else {
                return error(400, "name is required")
            }
            let expires = body.expiresAt.flatMap { try? ProviderTimestamp.parse($0).date }
            let created = issue(
                ObservedToken(
                    id: String(format: "00000000-0000-4000-8000-%012d", nextID), name: name, owner: account.ownerID,
                    scopes: body.scopes ?? [], createdAt: now(), expiresAt: expires), secretPrefix: "eyJhbGciOiJIUzI1NiJ9.")
            return .encoded(200, item(created.token, secret: active(.createWithoutSecret) ? nil : created.secret))
        default:
            return error(404, "Not found")
        }
    }
}

/// The token object of Cryptlex's API reference; `token` (the value) only when just created.
struct CryptlexToken: Encodable, Sendable {
    let id: String
    let createdAt: JSONNull<String>
    let updatedAt: JSONNull<String>
    let name: String
    let expiresAt: JSONNull<String>
    let revoked: Bool
    let scopes: [String]
    let userId: JSONNull<String>
    let user: [String: JSONNull<String>]
    let lastUsedAt: JSONNull<String>
    var lastRotatedAt = JSONNull<String>(nil)
    let token: String?
}
