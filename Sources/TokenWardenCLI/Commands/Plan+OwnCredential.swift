import Foundation
import TokenWardenCore

extension Plan {
    /// tokenwarden's own credentials that `rotate_own_credential` replaces: when, and what holds a
    /// due one (report-only mode shows it due here, and nothing is created).
    static func ownCredentialLines(_ rotations: [OwnCredentialRotation], now: Date, time: HumanTime = .utc) -> String? {
        guard !rotations.isEmpty else { return nil }
        var lines = ["tokenwarden's own credentials (rotate_own_credential):"]
        for rotation in rotations {
            let token = rotation.token
            let state: String
            if rotation.isDue(at: now) {
                let held: String? =
                    switch rotation.hold {
                    case .reportOnly?: "held: report-only, enforce = false"
                    case .paused?: "held: paused"
                    case .inProgress?: "a rotation is under way: `tokenwarden history \(token.reference)`"
                    case .gaveUp?: "held: its rotation failed too often; `tokenwarden retry \(token.reference)`"
                    case .lifetimeWithinLead?:
                        "held: it lives no longer than rotate_own_credential = \(rotation.lead), so each successor would be due at once; "
                            + "make the key shorter"
                    case nil: nil
                    }
                state = "DUE: a successor is made at the next cycle" + (held.map { "  [\($0)]" } ?? "")
            } else {
                state = "replaced from \(time.day(rotation.dueAt, relativeTo: now)) (\(rotation.lead) before it expires)"
            }
            lines.append("  \(token.reference) \"\(token.name)\": expires \(time.day(token.expiresAt, relativeTo: now)); \(state)")
        }
        return lines.joined(separator: "\n")
    }
}
