import Foundation
import TokenWardenCore
import TokenWardenStore

/// The JSON shapes the CLI prints for scripts: snake_case keys, ISO-8601 UTC dates with `Z`,
/// and an explicit `null` for every unknown fact (never a missing key).
struct TokenJSON: Encodable {
    let token: Token
    var includeExtras = false
    /// Its snooze or exemption, printed as `held` (null when none).
    var suspension: Suspension?
    /// Whether it is the credential tokenwarden signs in with (`self_token_id`, SailPoint's client id).
    var ownCredential = false

    enum Keys: String, CodingKey {
        case provider, id, name, owner, scopes, state, extras, held
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case lastUsedAt = "last_used_at"
        case firstSeenAt = "first_seen_at"
        case lastSeenAt = "last_seen_at"
        case baseName = "base_name"
        case successorOf = "successor_of"
        case ownCredential = "own_credential"
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
        try container.encode(suspension.map(HeldJSON.init), forKey: .held)
        // The lineage: the name rules match besides `name`, and the token this one replaced (null for
        // a token no rotation made).
        try container.encode(token.lineageName, forKey: .baseName)
        try container.encode(token.successorOf, forKey: .successorOf)
        try container.encode(ownCredential, forKey: .ownCredential)
        if includeExtras { try container.encode(token.extras, forKey: .extras) }
    }

    /// `{"kind": "snooze", "until": …, "reason": …, "by": …, "by_uid": …, "since": …}`.
    struct HeldJSON: Encodable {
        let kind: String
        let until: String?
        let reason: String
        let by: String
        let byUID: UInt32?
        let since: String

        init(_ suspension: Suspension) {
            kind = suspension.kind.rawValue
            until = suspension.until.map(ProviderTimestamp.formatExact)
            reason = suspension.reason
            by = suspension.by
            byUID = suspension.byUID
            since = ProviderTimestamp.formatExact(suspension.at)
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(kind, forKey: .kind)
            try container.encode(until, forKey: .until)
            try container.encode(reason, forKey: .reason)
            try container.encode(by, forKey: .by)
            try container.encode(byUID, forKey: .byUID)
            try container.encode(since, forKey: .since)
        }

        enum CodingKeys: String, CodingKey {
            case kind, until, reason, by, since
            case byUID = "by_uid"
        }
    }
}
