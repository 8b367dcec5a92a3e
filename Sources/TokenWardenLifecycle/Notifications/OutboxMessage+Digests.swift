import Crypto
import Foundation
import TokenWardenCore
import TokenWardenJournal
import TokenWardenStore

extension OutboxMessage {
    /// Who hears of a cycle's notices, worked out from the rules and the main config.
    struct Recipients {
        let rules: [String: Rule]
        let notifiers: [String: Notifier]
        let owners: OwnerMap
        let timeZone: TimeZone

        init(rules: [Rule], configuration: Configuration, timeZone: TimeZone) {
            self.rules = Dictionary(rules.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            notifiers = Dictionary(configuration.notifiers.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            owners = configuration.owners
            self.timeZone = timeZone
        }

        /// A notifier, and for an owner's address the one address it sends to.
        struct Address: Hashable, Comparable {
            var notifier: String
            var recipient: String?

            static func < (a: Address, b: Address) -> Bool { (a.notifier, a.recipient ?? "") < (b.notifier, b.recipient ?? "") }
        }

        /// Where one recipient id of a rule (a notifier id, or "owner") sends about `token`; `fallback`
        /// is true when the owner resolved to no one.
        func address(of id: String, for token: Token) -> (address: Address, fallback: Bool)? {
            guard id == "owner" else { return (Address(notifier: id), false) }
            switch owners.resolve(token) {
            case .mapped(.notifier(let notifier))?: return (Address(notifier: notifier), false)
            case .mapped(.address(let mail))?, .providerAddress(let mail)?:
                guard let through = owners.mail else { return nil }
                return (Address(notifier: through, recipient: mail), false)
            case .fallback(let notifier)?: return (Address(notifier: notifier), true)
            case nil: return nil
            }
        }
    }

    /// What `digests` queued: the messages, and how many tokens' owners resolved to no one (told to
    /// `[owners] fallback` instead).
    struct Digests {
        var messages: [OutboxMessage]
        var unresolvedOwners: [Token]
    }

    /// One message per recipient for a cycle's new notify decisions: each rule's `notify.to` says who
    /// hears of its tokens ("owner" through the owner map), `notify.escalate_to` too for the tokens
    /// in `escalating`; a recipient named by several rules gets one digest. A notifier with a
    /// `digest` window gets its message at the window's next opening, gathered with what else is queued
    /// for it by then.
    static func digests(_ notices: [Decision], escalating: Set<String>, to recipients: Recipients, at now: Date) -> Digests {
        var byAddress: [Recipients.Address: [String: NotificationPayload.Item]] = [:]
        var unresolved: [String: Token] = [:]
        for decision in notices {
            guard let rule = recipients.rules[decision.rule] else { continue }
            let escalated = escalating.contains(decision.token.reference)
            let ids = rule.notifyTo + (escalated ? rule.escalateTo : [])
            for id in ids {
                guard let (address, fallback) = recipients.address(of: id, for: decision.token) else { continue }
                if fallback { unresolved[decision.token.reference] = decision.token }
                var item = NotificationPayload.Item(decision, at: now)
                if escalated { item.escalated = true }
                if fallback { item.ownerUnresolved = true }
                byAddress[address, default: [:]][decision.token.reference] = item
            }
        }
        let messages = byAddress.sorted { $0.key < $1.key }.map { address, items in
            let key = UUID().uuidString.lowercased()
            let payload = NotificationPayload.digest(Array(items.values), notifier: address.notifier, recipient: address.recipient, id: key, at: now)
            var message = OutboxMessage(
                notifier: address.notifier, idempotencyKey: key, subject: payload.summary, payload: payload.json(), queuedAt: now)
            message.recipient = address.recipient
            if let window = recipients.notifiers[address.notifier]?.digest {
                message.digestWindow = window.next(after: now, in: recipients.timeZone)
                message.nextAttemptAt = message.digestWindow ?? now
            }
            return message
        }
        return Digests(messages: messages, unresolvedOwners: unresolved.values.sorted { $0.reference < $1.reference })
    }

    /// Gathers a new digest into the one waiting for the same window (see `TokenStore.Gather`): the
    /// waiting message keeps its key; a token in both is listed once, as the newer says.
    static let gather: TokenStore.Gather = { waiting, new in
        let decoder = JSONDecoder()
        guard let old = try? decoder.decode(NotificationPayload.self, from: Data(waiting.payload.utf8)),
            let added = try? decoder.decode(NotificationPayload.self, from: Data(new.payload.utf8))
        else { return waiting }
        var merged = waiting
        let payload = old.gathering(added)
        merged.payload = payload.json()
        merged.subject = payload.summary
        return merged
    }

    /// Whether an event needs an admin: an error or worse (a failed rotation or revoke, a rotation
    /// held because a person must act, the blast-radius limit, an undeliverable message, a provider
    /// failing for longer than `[daemon] alert_after_failing`, a cycle that stopped). One failed
    /// poll is not (`provider-failing` is), nor a provider whose credential did not load (`validate` says so).
    public static func isAlert(_ event: JournalEvent) -> Bool {
        // tokenwarden's own credential expiring is told at each threshold, the first one a warning.
        if event.kind == .ownCredentialExpiring { return true }
        return event.priority >= .error && event.kind != .pollFailed && event.kind != .providerUnusable
    }

    /// One alert per notifier of `[daemon] alert_to` for the events that need an admin, if any.
    /// The alert telling of messages given up: per notifier, keyed by the notifier and the given-up
    /// messages' keys, so a repeat of the same report is dropped by the outbox (`ON CONFLICT`).
    static func undeliverableSummary(_ events: [JournalEvent], to notifiers: [String], at now: Date) -> [OutboxMessage] {
        let reported = events.map { $0.detail ?? $0.message }.sorted().joined(separator: "\n")
        return notifiers.map { notifier in
            let digest = SHA256.hash(data: Data((notifier + "\n" + reported).utf8))
            let key = "undeliverable-" + digest.prefix(16).map { String(format: "%02x", $0) }.joined()
            let payload = NotificationPayload.alert(events, notifier: notifier, id: key, at: now)
            return OutboxMessage(notifier: notifier, idempotencyKey: key, subject: payload.summary, payload: payload.json(), queuedAt: now)
        }
    }

    /// Whether this message tells of alerts (its payload's kind), as opposed to a digest of tokens.
    var carriesAlerts: Bool {
        (try? JSONDecoder().decode(NotificationPayload.self, from: Data(payload.utf8)))?.kind == "alert"
    }

    public static func alerts(_ events: [JournalEvent], to notifiers: [String], at now: Date) -> [OutboxMessage] {
        tell(events.filter(isAlert), to: notifiers, at: now)
    }

    /// One message per notifier telling of `events` whatever their priority (an approval asked for,
    /// a stalled switch-over), or none when there are none.
    static func tell(_ events: [JournalEvent], to notifiers: [String], at now: Date) -> [OutboxMessage] {
        guard !events.isEmpty else { return [] }
        return notifiers.map { notifier in
            let key = UUID().uuidString.lowercased()
            let payload = NotificationPayload.alert(events, notifier: notifier, id: key, at: now)
            return OutboxMessage(notifier: notifier, idempotencyKey: key, subject: payload.summary, payload: payload.json(), queuedAt: now)
        }
    }
}
