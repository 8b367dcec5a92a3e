import Foundation
import TokenWardenCore

/// One decision for scripts.
struct DecisionJSON: Encodable {
    let decision: Decision

    enum Keys: String, CodingKey {
        case provider, id, name, action, rule, reason, hold
        case matchedRules = "matched_rules"
        case windowOpens = "window_opens"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(decision.token.provider, forKey: .provider)
        try container.encode(decision.token.id, forKey: .id)
        try container.encode(decision.token.name, forKey: .name)
        try container.encode(decision.action.rawValue, forKey: .action)
        try container.encode(decision.rule, forKey: .rule)
        try container.encode(decision.matchedRules, forKey: .matchedRules)
        try container.encode(decision.reason, forKey: .reason)
        try container.encode(decision.hold?.rawValue, forKey: .hold)
        try container.encode(decision.windowOpens.map(ProviderTimestamp.formatExact), forKey: .windowOpens)
    }
}
