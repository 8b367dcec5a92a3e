import Foundation
import TokenWardenCore
import TokenWardenStore

/// The JSON shapes the CLI prints for scripts: snake_case keys, ISO-8601 UTC dates with `Z`,
/// and an explicit `null` for every unknown fact (never a missing key).
struct TokenJSON: Encodable {
    let token: Token
    var includeExtras = false

    enum Keys: String, CodingKey {
        case provider, id, name, owner, scopes, state, extras
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case lastUsedAt = "last_used_at"
        case firstSeenAt = "first_seen_at"
        case lastSeenAt = "last_seen_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(token.provider, forKey: .provider)
        try container.encode(token.id, forKey: .id)
        try container.encode(token.name, forKey: .name)
        try container.encode(token.owner, forKey: .owner)
        try container.encode(token.scopes, forKey: .scopes)
        try container.encode(token.createdAt.map(ProviderTimestamp.formatExact), forKey: .createdAt)
        try container.encode(token.expiresAt.map(ProviderTimestamp.formatExact), forKey: .expiresAt)
        try container.encode(token.lastUsedAt.map(ProviderTimestamp.formatExact), forKey: .lastUsedAt)
        try container.encode(token.state.rawValue, forKey: .state)
        try container.encode(ProviderTimestamp.formatExact(token.firstSeenAt), forKey: .firstSeenAt)
        try container.encode(ProviderTimestamp.formatExact(token.lastSeenAt), forKey: .lastSeenAt)
        if includeExtras { try container.encode(token.extras, forKey: .extras) }
    }
}
