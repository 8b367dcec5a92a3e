import Foundation
import TokenWardenCore

extension SimulatedProvider {
    /// AWX's controller API v2: `/api/v2/tokens/` (`count/next/results`, `page` and `page_size` ≤ 200,
    /// host-relative `next`), `/api/v2/me/`, `/api/v2/users/{id}/personal_tokens/` (create, 201),
    /// DELETE `/api/v2/tokens/{id}/`. With `gateway`, AAP 2.5+'s platform gateway instead:
    /// `/api/gateway/v1/tokens/` (list, create, delete) and `/api/gateway/v1/me/`, tokens with `last_used`.
    /// Both create a token for the caller only (django-ansible-base's and AWX's serializers).
    func awx(_ request: SimulatedRequest, gateway: Bool = false) -> SimulatedResponse {
        func error(_ status: Int, _ detail: String) -> SimulatedResponse { .json(status, ["detail": detail]) }
        guard let account = account(bearer: request.authorization) else { return error(401, "Authentication credentials were not provided.") }
        func userID(_ token: ObservedToken) -> Int {
            Int(token.extras["user_id"] ?? SimulatedAccount.identity(of: token.owner ?? "admin", kind: .awx).id) ?? 1
        }
        func item(_ token: ObservedToken, secret: String = "************") -> AWXToken {
            let stamp = { (date: Date?) in JSONNull(date.map { SimulatedTimestamp.format($0, fractionDigits: 6) }) }
            let user = userID(token)
            return AWXToken(
                id: Int(token.id) ?? 0, url: (gateway ? "/api/gateway/v1/tokens/" : "/api/v2/tokens/") + "\(token.id)/",
                related: ["user": "/api/v2/users/\(user)/"],
                summary_fields: .init(user: .init(id: user, username: token.owner ?? "admin")),
                created: stamp(token.createdAt), modified: stamp(token.createdAt), description: token.name, user: user,
                token: secret, expires: stamp(token.expiresAt), scope: token.scopes.joined(separator: " "),
                last_used: gateway ? stamp(token.lastUsedAt) : nil)
        }
        let segments = request.path.split(separator: "/").map(String.init)
        let prefix = gateway ? ["api", "gateway", "v1"] : ["api", "v2"]
        let tokensPath = "/" + prefix.joined(separator: "/") + "/tokens/"
        guard segments.count > prefix.count, Array(segments.prefix(prefix.count)) == prefix else {
            return error(404, "The requested resource could not be found.")
        }
        switch (request.method, Array(segments.dropFirst(prefix.count))) {
        case ("GET", ["tokens"]):
            return listing(error) {
                let size = min(200, max(1, request.int("page_size") ?? 25))
                let page = max(1, request.int("page") ?? 1)
                let items = self.page(offset: (page - 1) * size, limit: size)
                var nextPage: Int? = page * size < tokens.count ? page + 1 : nil
                if nextPage == nil, page > 1, active(.paginationLoop) { nextPage = 1 }
                // AWX keeps the other query parameters and answers host-relative links.
                func link(_ number: Int) -> String {
                    var query = request.query
                    query["page"] = String(number)
                    return request.prefix + tokensPath + "?" + Self.query(query.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
                }
                let envelope = AWXPage(
                    count: tokens.count, next: JSONNull(nextPage.map(link)),
                    previous: JSONNull(page > 1 ? link(page - 1) : nil), results: items.map { item($0) })
                return SimulatedResponse(status: 200, body: envelope.body)
            }
        case ("GET", ["me"]):
            return .json(
                200,
                [
                    "count": 1, "next": NSNull(), "previous": NSNull(),
                    "results": [["id": Int(account.ownerID) ?? 1, "username": account.ownerName]],
                ])
        case ("POST", let rest) where gateway ? rest == ["tokens"] : (rest.count == 3 && rest[0] == "users" && rest[2] == "personal_tokens"):
            // As AWX's BaseOAuth2TokenSerializer.create: the user in the URL is ignored, the token is
            // the caller's ("I can only create a PAT for myself", OAuth2TokenAccess).
            guard let body = request.decoded(SimulatedRequestBody.AWXCreate.self) else { return error(400, "JSON parse error") }
            let scope = body.scope ?? "write"
            let words = scope.split(separator: " ")
            guard !words.isEmpty, words.allSatisfy({ $0 == "read" || $0 == "write" }) else { return .json(400, ["scope": ["Invalid scope"]]) }
            let other = active(.createForAnotherUser) ? SimulatedAccount.identity(of: "alice", kind: kind) : nil
            let created = issue(
                ObservedToken(
                    id: String(nextID), name: body.description ?? "", owner: other?.name ?? account.ownerName,
                    scopes: [scope], createdAt: now(), expiresAt: now().addingTimeInterval(31_536_000_000),
                    extras: ["user_id": other?.id ?? account.ownerID]))
            return .encoded(201, item(created.token, secret: created.secret))
        case ("DELETE", let rest) where rest.count == 2 && rest[0] == "tokens":
            return remove(id: rest[1]) ? .empty(204) : error(404, "Not found.")
        default:
            return error(404, "The requested resource could not be found.")
        }
    }
}

/// A token as `/api/v2/tokens/` lists it (the secret masked) or as create returns it (in clear, once).
struct AWXToken: Encodable, Sendable {
    struct Summary: Encodable, Sendable {
        struct User: Encodable, Sendable {
            let id: Int
            let username: String
        }
        let user: User
    }
    let id: Int
    var type = "o_auth2_access_token"
    let url: String
    let related: [String: String]
    let summary_fields: Summary
    let created: JSONNull<String>
    let modified: JSONNull<String>
    let description: String
    let user: Int
    let token: String
    var refresh_token = JSONNull<String>(nil)
    var application = JSONNull<Int>(nil)
    let expires: JSONNull<String>
    let scope: String
    /// The gateway's serializer emits it (every concrete field); the controller's does not.
    let last_used: JSONNull<String>?
}

/// AWX's paginated envelope.
struct AWXPage: Sendable {
    let count: Int
    let next: JSONNull<String>
    let previous: JSONNull<String>
    let results: [AWXToken]

    /// The envelope in the order AWX writes it (Django REST framework's `PageNumberPagination`
    /// builds an ordered dict: count, next, previous, results). `JSONEncoder` puts a struct's keys in
    /// an order that changed from one response to the next, so a client reading `next` first had to
    /// skip the whole page on some pages and not on others.
    var body: Data {
        let encoder = SimulatedResponse.encoder
        // Encoding the simulator's own plain values cannot fail.
        func json(_ value: some Encodable) -> Data { (try? encoder.encode(value)) ?? Data("null".utf8) }
        var body = Data("{\"count\":\(count),\"next\":".utf8)
        body += json(next)
        body += Data(",\"previous\":".utf8)
        body += json(previous)
        body += Data(",\"results\":".utf8)
        body += json(results)
        body += Data("}".utf8)
        return body
    }
}
