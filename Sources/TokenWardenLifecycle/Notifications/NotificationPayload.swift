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
        /// The lead time crossed, e.g. "7d" (a rule with `when.expires_within`).
        public var leadTime: String?
        /// True when an earlier notice about the same expiry went unanswered (escalation).
        public var escalated: Bool?
        /// True when the owner map named no one for the token's owner: sent to `[owners] fallback`.
        public var ownerUnresolved: Bool?

        enum CodingKeys: String, CodingKey {
            case provider, owner, rule, action, reason, command, escalated
            case tokenID = "token_id"
            case tokenName = "token_name"
            case expiresAt = "expires_at"
            case lastUsedAt = "last_used_at"
            case leadTime = "lead_time"
            case ownerUnresolved = "owner_unresolved"
        }

        /// The item of a notify decision.
        init(_ decision: Decision, at now: Date) {
            let token = decision.token
            self.init(
                provider: token.provider, tokenID: token.id, tokenName: token.name, owner: token.owner, rule: decision.rule,
                action: decision.action.rawValue, reason: decision.reason, expiresAt: token.expiresAt.map(ProviderTimestamp.format),
                lastUsedAt: token.lastUsedAt.map(ProviderTimestamp.format), command: "tokenwarden show \(token.reference)",
                leadTime: decision.leadTime?.description)
        }

        init(
            provider: String, tokenID: String, tokenName: String, owner: String?, rule: String, action: String, reason: String,
            expiresAt: String?, lastUsedAt: String?, command: String, leadTime: String? = nil
        ) {
            self.provider = provider
            self.tokenID = tokenID
            self.tokenName = tokenName
            self.owner = owner
            self.rule = rule
            self.action = action
            self.reason = reason
            self.expiresAt = expiresAt
            self.lastUsedAt = lastUsedAt
            self.command = command
            self.leadTime = leadTime
        }

        /// Soonest deadline first, tokens without one last.
        static func byDeadline(_ a: Item, _ b: Item) -> Bool {
            (a.expiresAt ?? "~", a.provider, a.tokenID) < (b.expiresAt ?? "~", b.provider, b.tokenID)
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
    /// The one address it goes to through that notifier (an owner's), if not the notifier's own.
    public var recipient: String?
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
        case schema, id, notifier, recipient, kind, summary, items, alerts
        case createdAt = "created_at"
    }

    /// The digest of `items` for one notifier (and one address through it).
    static func digest(_ items: [Item], notifier: String, recipient: String? = nil, id: String, at now: Date) -> NotificationPayload {
        let sorted = items.sorted(by: Item.byDeadline)
        return NotificationPayload(
            id: id, notifier: notifier, recipient: recipient, kind: "digest", createdAt: ProviderTimestamp.format(now),
            summary: digestSummary(sorted), items: sorted)
    }

    /// The digest of `decisions` for one notifier.
    public static func digest(_ decisions: [Decision], notifier: String, id: String, at now: Date) -> NotificationPayload {
        digest(decisions.map { Item($0, at: now) }, notifier: notifier, id: id, at: now)
    }

    /// "tokenwarden: 3 tokens need attention (1 notice unanswered)".
    static func digestSummary(_ items: [Item]) -> String {
        let count = items.count == 1 ? "1 token needs" : "\(items.count) tokens need"
        let unanswered = items.filter { $0.escalated == true }.count
        return "tokenwarden: \(count) attention" + (unanswered == 0 ? "" : " (\(unanswered) earlier notice\(unanswered == 1 ? "" : "s") unanswered)")
    }

    /// This digest with `other`'s tokens added (a token in both as `other` says): for a digest window.
    func gathering(_ other: NotificationPayload) -> NotificationPayload {
        var byToken: [String: Item] = [:]
        for item in items + other.items { byToken[item.provider + "/" + item.tokenID] = item }
        var gathered = self
        gathered.items = byToken.values.sorted(by: Item.byDeadline)
        gathered.summary = Self.digestSummary(gathered.items)
        return gathered
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

    /// The message as text, for mail and chat, from the built-in templates (see `NotificationTemplates`).
    public var text: String { NotificationTemplates.builtIn.render(self) }

    /// The JSON document, keys sorted, as sent and stored.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
