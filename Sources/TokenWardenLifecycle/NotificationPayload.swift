import Foundation
import TokenWardenCore
import TokenWardenJournal

/// What a notification says, as the JSON every channel is built from (`tokenwarden.notification/1`):
/// a webhook in `json` format posts it as is, a command gets it on standard input, mail and Slack
/// render it as text. It holds token facts and never a secret. Fields are added, never renamed or
/// removed, within one schema version.
public struct NotificationPayload: Codable, Sendable, Hashable {
    public static let schemaVersion = "tokenwarden.notification/1"

    /// One token the message is about.
    public struct Item: Codable, Sendable, Hashable {
        public var provider: String
        public var tokenID: String
        public var tokenName: String
        public var owner: String?
        public var rule: String
        public var action: String
        public var reason: String
        public var expiresAt: String?
        public var lastUsedAt: String?
        /// The command that shows the token and its history.
        public var command: String

        enum CodingKeys: String, CodingKey {
            case provider, owner, rule, action, reason, command
            case tokenID = "token_id"
            case tokenName = "token_name"
            case expiresAt = "expires_at"
            case lastUsedAt = "last_used_at"
        }
    }

    /// Something that needs an admin (in an "alert"): the journal entry's kind, priority and message.
    public struct Alert: Codable, Sendable, Hashable {
        /// The journal entry's kind, e.g. "rotation-failed", "limit-reached".
        public var event: String
        /// "critical", "error" or "warning".
        public var priority: String
        public var message: String
        public var provider: String?
        public var tokenID: String?
        public var tokenName: String?
        public var rule: String?

        enum CodingKeys: String, CodingKey {
            case event, priority, message, provider, rule
            case tokenID = "token_id"
            case tokenName = "token_name"
        }
    }

    public var schema = Self.schemaVersion
    /// The idempotency key: the same for every attempt to send this message.
    public var id: String
    /// The notifier it was queued for.
    public var notifier: String
    /// "digest" (tokens that need attention) or "alert" (something needs an admin).
    public var kind: String
    public var createdAt: String
    /// One line: what the message is about.
    public var summary: String
    /// Sorted by deadline (expiry), soonest first; tokens without one last.
    public var items: [Item]
    /// In an "alert": what needs an admin, in the order it happened.
    public var alerts: [Alert]?

    enum CodingKeys: String, CodingKey {
        case schema, id, notifier, kind, summary, items, alerts
        case createdAt = "created_at"
    }

    /// The digest of `decisions` for one notifier.
    public static func digest(_ decisions: [Decision], notifier: String, id: String, at now: Date) -> NotificationPayload {
        let sorted = decisions.sorted {
            ($0.token.expiresAt ?? .distantFuture, $0.token.reference) < ($1.token.expiresAt ?? .distantFuture, $1.token.reference)
        }
        let items = sorted.map { decision in
            let token = decision.token
            return Item(
                provider: token.provider, tokenID: token.id, tokenName: token.name, owner: token.owner, rule: decision.rule,
                action: decision.action.rawValue, reason: decision.reason, expiresAt: token.expiresAt.map(ProviderTimestamp.format),
                lastUsedAt: token.lastUsedAt.map(ProviderTimestamp.format), command: "tokenwarden show \(token.reference)")
        }
        let count = items.count == 1 ? "1 token needs" : "\(items.count) tokens need"
        return NotificationPayload(
            id: id, notifier: notifier, kind: "digest", createdAt: ProviderTimestamp.format(now), summary: "tokenwarden: \(count) attention",
            items: items)
    }

    /// An alert to one of `[daemon] alert_to`'s notifiers.
    public static func alert(_ events: [JournalEvent], notifier: String, id: String, at now: Date) -> NotificationPayload {
        let alerts = events.map { event in
            Alert(
                event: event.kind.rawValue, priority: "\(event.level)", message: event.message, provider: event.provider, tokenID: event.tokenID,
                tokenName: event.tokenName, rule: event.rule)
        }
        let count = alerts.count == 1 ? "1 thing needs" : "\(alerts.count) things need"
        return NotificationPayload(
            id: id, notifier: notifier, kind: "alert", createdAt: ProviderTimestamp.format(now), summary: "tokenwarden: \(count) an admin",
            items: [], alerts: alerts)
    }

    /// The message as text, for mail and chat: the summary, then one block per token or alert.
    public var text: String {
        var lines = [summary, ""]
        for alert in alerts ?? [] {
            lines.append("\(alert.priority.uppercased()) \(alert.event): \(alert.message)")
        }
        for item in items {
            lines.append("\(item.provider)/\(item.tokenID) \"\(item.tokenName)\"" + (item.owner.map { " (owner \($0))" } ?? ""))
            lines.append("  \(item.reason) [rule \(item.rule)]")
            if let expires = item.expiresAt { lines.append("  expires \(expires)") }
            lines.append("  \(item.command)")
        }
        // Token names and owners are provider data: a mail client in a terminal must not get their escapes.
        return lines.map(\.terminalSafe).joined(separator: "\n")
    }

    /// The JSON document, keys sorted, as sent and stored.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
