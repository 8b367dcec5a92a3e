import Foundation
import TokenWardenCore

/// `forecast --json` (docs/json.md): `{"weeks": [{"start", "expiring", "actions", "notices"}], "pile_ups": […]}`.
struct ForecastJSON: Encodable {
    struct Week: Encodable {
        let start: String
        let expiring: [JSONFields]
        let actions: [JSONFields]
        let notices: [JSONFields]
    }

    let weeks: [Week]
    let pileUps: [JSONFields]
    let dueNow: Int
    let heldNow: Int

    enum CodingKeys: String, CodingKey {
        case weeks
        case pileUps = "pile_ups"
        case dueNow = "due_now"
        case heldNow = "held_now"
    }

    init(_ forecast: Forecast, pileUps: [Forecast.PileUp], dueNow: Int, heldNow: Int) {
        self.dueNow = dueNow
        self.heldNow = heldNow
        weeks = forecast.weeks.map { week in
            Week(
                start: week.day,
                expiring: week.expiring.map {
                    JSONFields(["token": .string($0.reference), "name": .string($0.name), "expires_at": .instant($0.expiresAt)])
                },
                actions: week.actions.map(Self.due), notices: week.notices.map(Self.due))
        }
        self.pileUps = pileUps.map {
            JSONFields([
                "provider": .string($0.provider), "day": .string($0.day), "actions": .integer($0.actions), "limit": .integer($0.limit),
            ])
        }
    }

    static func due(_ due: Forecast.Due) -> JSONFields {
        JSONFields([
            "token": .string(due.reference), "name": .string(due.name), "rule": .string(due.rule), "action": .string(due.action.rawValue),
            "due": .instant(due.due),
        ])
    }
}
