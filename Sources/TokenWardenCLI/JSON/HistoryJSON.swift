import Foundation
import TokenWardenCore
import TokenWardenStore

/// One history entry for scripts (docs/json.md): `event` is a code, `message` the line
/// `tokenwarden history` prints for it, `detail` what it says after.
struct HistoryJSON: Encodable {
    let entry: HistoryEntry

    enum Keys: String, CodingKey {
        case provider, id, name, source, event, message, detail, rule, mode, outcome
        case occurredAt = "occurred_at"
        case actorUID = "actor_uid"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(ProviderTimestamp.formatExact(entry.occurredAt), forKey: .occurredAt)
        try container.encode(entry.provider, forKey: .provider)
        try container.encode(entry.tokenID, forKey: .id)
        try container.encode(entry.tokenName, forKey: .name)
        try container.encode(entry.source.rawValue, forKey: .source)
        try container.encode(entry.code, forKey: .event)
        try container.encode(entry.event, forKey: .message)
        try container.encode(entry.mode, forKey: .mode)
        try container.encode(entry.outcome, forKey: .outcome)
        try container.encode(entry.detail, forKey: .detail)
        try container.encode(entry.rule, forKey: .rule)
        try container.encode(entry.actorUID, forKey: .actorUID)
    }
}
