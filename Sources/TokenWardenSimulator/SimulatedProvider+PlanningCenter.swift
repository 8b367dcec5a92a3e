import Foundation
import TokenWardenCore

extension SimulatedProvider {
    /// `GET /api/v2/personal_access_tokens[/{id}]`: HTTP Basic, JSON:API, `per_page` (≤ 100) and `offset`,
    /// rate headers on every answer.
    func planningCenter(_ request: SimulatedRequest) -> SimulatedResponse {
        var response = planningCenterRoute(request, error: Self.planningCenterError)
        response.headers += [
            ("X-PCO-API-Request-Rate-Limit", "100000"), ("X-PCO-API-Request-Rate-Period", "20 seconds"),
            ("X-PCO-API-Request-Rate-Count", String(listRequests)),
        ]
        return response
    }

    /// A JSON:API `errors` body.
    static func planningCenterError(_ status: Int, _ detail: String) -> SimulatedResponse {
        .json(status, ["errors": [["status": String(status), "code": String(status), "title": detail, "detail": detail]]])
    }

    private func planningCenterRoute(_ request: SimulatedRequest, error: (Int, String) -> SimulatedResponse) -> SimulatedResponse {
        let expected = "Basic " + Data(credential.utf8).base64EncodedString()
        guard request.authorization == expected else { return error(401, "Unauthorized: the application id and secret were not accepted") }
        let collection = "/api/v2/personal_access_tokens"
        guard request.method == "GET" else { return error(405, "Method not allowed") }
        func resource(_ token: ObservedToken) -> PlanningCenterResource {
            PlanningCenterResource(id: token.id, attributes: ["name": token.name], links: ["self": request.base + collection + "/" + token.id])
        }
        if request.path.hasPrefix(collection + "/") {
            let id = String(request.path.dropFirst(collection.count + 1))
            guard let token = tokens.first(where: { $0.id == id }) else { return error(404, "Not found") }
            return .json(
                200,
                [
                    "data": [
                        "type": "PersonalAccessToken", "id": token.id, "attributes": ["name": token.name],
                        "links": ["self": request.base + collection + "/" + token.id],
                    ] as [String: Any],
                    "included": [Any](), "meta": [String: Any](),
                ])
        }
        guard request.path == collection else { return error(404, "Not found") }
        return listing(error) {
            let perPage = min(100, max(1, request.int("per_page") ?? 25))
            let offset = max(0, request.int("offset") ?? 0)
            let items = page(offset: offset, limit: perPage)
            var nextOffset: Int? = offset + perPage < tokens.count ? offset + perPage : nil
            if nextOffset == nil, offset > 0, active(.paginationLoop) { nextOffset = 0 }
            var links = ["self": request.base + collection + "?" + Self.query([("offset", String(offset)), ("per_page", String(perPage))])]
            if let nextOffset {
                links["next"] = request.base + collection + "?" + Self.query([("offset", String(nextOffset)), ("per_page", String(perPage))])
            }
            let meta = PlanningCenterPage.Meta(total_count: tokens.count, count: items.count, next: nextOffset.map { .init(offset: $0) })
            return .encoded(200, PlanningCenterPage(links: links, data: items.map(resource), meta: meta))
        }
    }
}

/// A JSON:API resource of type `PersonalAccessToken`: a name and nothing else.
struct PlanningCenterResource: Encodable, Sendable {
    var type = "PersonalAccessToken"
    let id: String
    let attributes: [String: String]
    let links: [String: String]
}

/// A JSON:API page with Planning Center's `meta`.
struct PlanningCenterPage: Encodable, Sendable {
    struct Meta: Encodable, Sendable {
        struct Next: Encodable, Sendable { let offset: Int }
        struct Parent: Encodable, Sendable {
            var id = "1"
            var type = "Organization"
        }
        let total_count: Int
        let count: Int
        var can_order_by: [String] = []
        var parent = Parent()
        /// Absent on the last page.
        let next: Next?
    }
    let links: [String: String]
    let data: [PlanningCenterResource]
    var included: [String] = []
    let meta: Meta
}
