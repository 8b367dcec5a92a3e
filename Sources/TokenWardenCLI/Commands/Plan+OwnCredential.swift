import Foundation
import TokenWardenConfig
import TokenWardenCore
import TokenWardenLifecycle
import TokenWardenStore

extension Plan {
    /// tokenwarden's own credentials that `rotate_own_credential` replaces: when, and what holds a
    /// due one (report-only mode shows it due here, and nothing is created); `idle` says where the
    /// key can do nothing.
    static func ownCredentialLines(_ rotations: [OwnCredentialRotation], idle: [String], now: Date, time: HumanTime = .utc) -> String? {
        guard !rotations.isEmpty || !idle.isEmpty else { return nil }
        var lines = ["tokenwarden's own credentials (rotate_own_credential):"]
        for rotation in rotations {
            let token = rotation.token
            let state: String
            if rotation.isDue(at: now) {
                let since = "due since \(time.day(rotation.dueAt, relativeTo: now))"
                state =
                    switch rotation.hold {
                    case .reportOnly?: "HELD, \(since): report-only (enforce = false); nothing is created"
                    case .paused?: "HELD, \(since): writes are paused (`tokenwarden resume`)"
                    case .inProgress?: "a rotation is under way: `tokenwarden history \(token.reference)`"
                    case .gaveUp?: "HELD, \(since): its rotation failed too often; `tokenwarden retry \(token.reference)`"
                    case .retryLater?:
                        "HELD, \(since): its last rotation failed; tried again 6 hours after (`tokenwarden history \(token.reference)`)"
                    case .lifetimeWithinLead?:
                        "HELD: its lifetime is unknown or no longer than rotate_own_credential = \(rotation.lead), so each successor "
                            + "could be due at once; make the key shorter"
                    case nil: "DUE: a successor is made at the next cycle"
                    }
            } else {
                state = "replaced from \(time.day(rotation.dueAt, relativeTo: now)) (\(rotation.lead) before it expires)"
            }
            lines.append("  \(token.reference) \"\(token.name)\": expires \(time.day(token.expiresAt, relativeTo: now)); \(state)")
        }
        return (lines + idle.map { "  \($0)" }).joined(separator: "\n")
    }

    /// Providers whose `rotate_own_credential` has nothing to act on, and why: the own token is not
    /// known, not in the inventory, or never expires.
    static func idleOwnCredentialKeys(
        _ configuration: Configuration, context: PolicyContext, store: TokenStore, rotations: [OwnCredentialRotation]
    ) throws -> [String] {
        var idle: [String] = []
        for provider in configuration.providers where provider.rotateOwnCredential != nil {
            guard !rotations.contains(where: { $0.token.provider == provider.id }) else { continue }
            guard let id = context.ownTokenIDs[provider.id] else {
                idle.append("\(provider.id): its own token is not known (the credential cannot be read): nothing to replace")
                continue
            }
            guard let token = try store.token(provider: provider.id, id: id), token.state == .active else {
                idle.append(
                    "\(provider.id): its own token \(provider.id)/\(id) is not in the inventory (`tokenwarden sync`, or check "
                        + "self_token_id): nothing to replace")
                continue
            }
            if token.expiresAt == nil { idle.append("\(token.reference): never expires, so rotate_own_credential never acts") }
        }
        return idle
    }
}
