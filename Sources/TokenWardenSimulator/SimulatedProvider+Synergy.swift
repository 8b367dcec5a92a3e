import Foundation
import TokenWardenCore

extension SimulatedProvider {
    /// `/api/v1/auth/getPersonalAccessTokens` (plain array), `generate-pat` (answers a bare JSON
    /// string; `ExpireInDays` 1..180, as the UI allows), `delete-pat?id=` (a POST, empty 200).
    /// What `delete-pat` answers for an unknown id is undocumented: this answers the same empty 200,
    /// the least telling answer a driver must cope with. Timestamps carry `+08:00` and 2, 3 or 7 fraction digits.
    func synergy(_ request: SimulatedRequest) -> SimulatedResponse {
        func error(_ status: Int, _ message: String) -> SimulatedResponse { .json(status, ["Message": message]) }
        // The main credential, or a PAT it generated (both are the same user's: the API lists only theirs).
        guard request.authorization == "Bearer " + credential || account(bearer: request.authorization) != nil else {
            return error(401, "Authorization has been denied for this request.")
        }
        func item(_ token: ObservedToken) -> SynergyToken {
            let digits = [3, 2, 7][(Int(token.id) ?? 0) % 3]
            let stamp = { (date: Date?) in JSONNull(date.map { SimulatedTimestamp.format($0, fractionDigits: digits, offsetMinutes: 480) }) }
            return SynergyToken(
                UserID: .init(IDString: token.owner ?? "1_1"), CreatedOn: stamp(token.createdAt), Expiry: stamp(token.expiresAt),
                Name: token.name, ExpiryReminderState: Int(token.extras["ExpiryReminderState"] ?? "0") ?? 0, ID: Int(token.id) ?? 0)
        }
        switch (request.method, request.path) {
        case ("GET", "/api/v1/auth/getPersonalAccessTokens"):
            return listing(error) { .encoded(200, tokens.map(item)) }
        case ("POST", "/api/v1/auth/generate-pat"):
            guard let body = request.decoded(SimulatedRequestBody.SynergyGenerate.self), let name = body.Name, !name.isEmpty else {
                return error(400, "Name is required")
            }
            let days = body.ExpireInDays ?? 30
            guard (1...180).contains(days) else { return error(400, "ExpireInDays must be between 1 and 180") }
            let created = issue(
                ObservedToken(
                    id: String(nextID), name: name, owner: "1_1", createdAt: now(),
                    expiresAt: now().addingTimeInterval(Double(days) * 86_400), extras: ["ExpiryReminderState": "0"]))
            return SimulatedResponse(status: 200, body: Data("\"\(created.secret)\"".utf8))
        case ("POST", "/api/v1/auth/delete-pat"):
            guard let id = request.query["id"] else { return error(400, "id is required") }
            _ = remove(id: id)
            return SimulatedResponse(status: 200, headers: [], body: Data())
        default:
            return error(404, "No HTTP resource was found that matches the request URI.")
        }
    }
}

/// One PAT of `getPersonalAccessTokens`, field names as the vendor's sample has them.
struct SynergyToken: Encodable, Sendable {
    struct User: Encodable, Sendable {
        var _id = 1
        var _server_id = 1
        var _server_guid = "b993c729-5d0c-4c1e-9f55-3a1a2b3c4d5e"
        let IDString: String
    }
    let UserID: User
    let CreatedOn: JSONNull<String>
    let Expiry: JSONNull<String>
    let Name: String
    let ExpiryReminderState: Int
    let ID: Int
}
