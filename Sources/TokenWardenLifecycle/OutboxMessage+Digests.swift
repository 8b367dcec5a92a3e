import Foundation
import TokenWardenCore
import TokenWardenJournal
import TokenWardenStore

extension OutboxMessage {
    /// One message per notifier for a cycle's new notify decisions: each rule's `notify.to` says
    /// which notifiers hear of its tokens; a notifier named by several rules gets one digest.
    static func digests(_ notices: [Decision], rules: [Rule], at now: Date) -> [OutboxMessage] {
        let recipients = Dictionary(rules.map { ($0.name, $0.notifyTo) }, uniquingKeysWith: { first, _ in first })
        var byNotifier: [String: [Decision]] = [:]
        for decision in notices {
            for id in Set(recipients[decision.rule] ?? []) { byNotifier[id, default: []].append(decision) }
        }
        return byNotifier.sorted { $0.key < $1.key }.map { notifier, decisions in
            let key = UUID().uuidString.lowercased()
            let payload = NotificationPayload.digest(decisions, notifier: notifier, id: key, at: now)
            return OutboxMessage(notifier: notifier, idempotencyKey: key, subject: payload.summary, payload: payload.json(), queuedAt: now)
        }
    }

    /// Whether an event needs an admin: an error or worse (a failed rotation or revoke, a rotation
    /// held because a person must act, the blast-radius limit, an undeliverable message).
    public static func isAlert(_ event: JournalEvent) -> Bool {
        event.priority >= .error && event.kind != .pollFailed
    }

    /// One alert per notifier of `[daemon] alert_to` for the events that need an admin, if any.
    public static func alerts(_ events: [JournalEvent], to notifiers: [String], at now: Date) -> [OutboxMessage] {
        let alerting = events.filter(isAlert)
        guard !alerting.isEmpty else { return [] }
        return notifiers.map { notifier in
            let key = UUID().uuidString.lowercased()
            let payload = NotificationPayload.alert(alerting, notifier: notifier, id: key, at: now)
            return OutboxMessage(notifier: notifier, idempotencyKey: key, subject: payload.summary, payload: payload.json(), queuedAt: now)
        }
    }
}
