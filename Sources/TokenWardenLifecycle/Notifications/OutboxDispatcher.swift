import Foundation
import TokenWardenCore
import TokenWardenJournal
import TokenWardenStore

/// Sends what the outbox holds when it is due: marked sent after the channel took it; after a failure
/// retried later (1, 2, 4 … minutes, at most an hour apart), and after `maximumAttempts` marked
/// undeliverable, with a journal entry. At least once: a crash between sending and marking sends
/// the same message again, with the same idempotency key.
public struct OutboxDispatcher: Sendable {
    let store: TokenStore
    let notifiers: [Notifier]
    let sender: NotificationSender
    /// `[daemon] alert_to`: told, through the other notifiers, when a message is given up.
    let alertTo: [String]
    let now: @Sendable () -> Date

    public static let maximumAttempts = 8

    public init(
        store: TokenStore, notifiers: [Notifier], sender: NotificationSender, alertTo: [String] = [],
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.notifiers = notifiers
        self.sender = sender
        self.alertTo = alertTo
        self.now = now
    }

    /// The wait before attempt `attempt + 1` after `attempt` failed ones.
    public static func retryDelay(afterAttempts attempts: Int) -> TimeInterval {
        min(3_600, 60 * pow(2, Double(max(0, attempts - 1))))
    }

    /// Sends every message due now; returns the journal entries of what happened.
    public func sendDue() async -> [JournalEvent] {
        guard let due = try? store.dueMessages(at: now()), !due.isEmpty else { return [] }
        var events: [JournalEvent] = []
        for message in due {
            guard let notifier = notifiers.first(where: { $0.id == message.notifier }) else {
                // The notifier was removed from the config: nothing can send it.
                try? store.markFailed(message.id, error: "notifier \"\(message.notifier)\" is no longer configured", retryAt: nil)
                events.append(.notificationUndeliverable(message, reason: "notifier \"\(message.notifier)\" is no longer configured"))
                continue
            }
            do {
                CrashPoint.beforeSend.pass()
                try await sender.send(message, via: notifier, at: now())
                CrashPoint.afterSend.pass()
                try? store.markSent(message.id, at: now())
                events.append(.notificationSent(message, via: notifier))
            } catch {
                let attempts = message.attempts + 1
                let reason = "\(error)"
                if attempts >= Self.maximumAttempts {
                    try? store.markFailed(message.id, error: reason, retryAt: nil)
                    events.append(.notificationUndeliverable(message, reason: reason))
                } else {
                    let retry = now().addingTimeInterval(Self.retryDelay(afterAttempts: attempts))
                    try? store.markFailed(message.id, error: reason, retryAt: retry)
                    events.append(.notificationFailed(message, attempts: attempts, reason: reason, retry: retry))
                }
            }
        }
        queueUndeliverableSummary(events, due: due)
        return events
    }

    /// Messages given up in this pass, told once to the admins: one alert per other `alert_to`
    /// notifier, keyed by what it reports, so the same failures are never queued twice. An alert
    /// that could not be delivered is journalled and counted
    /// (`tokenwarden_outbox_messages{state="undeliverable"}`), never alerted about: alerts about
    /// alerts multiply while every notifier is down, then flood them once they are back.
    func queueUndeliverableSummary(_ events: [JournalEvent], due: [OutboxMessage]) {
        let givenUp = events.filter { $0.kind == .notificationUndeliverable }
        let messages = givenUp.compactMap { event in due.first { $0.idempotencyKey == event.detail } }
        let told = givenUp.filter { event in messages.first { $0.idempotencyKey == event.detail }.map { !$0.carriesAlerts } ?? true }
        guard !told.isEmpty else { return }
        let failing = Set(messages.map(\.notifier))
        do {
            try store.queue(OutboxMessage.undeliverableSummary(told, to: alertTo.filter { !failing.contains($0) }, at: now()))
        } catch {
            // The journal entries of the given-up messages are the record; the summary is extra.
            return
        }
    }
}

extension JournalEvent {
    static func notificationSent(_ message: OutboxMessage, via notifier: Notifier) -> JournalEvent {
        JournalEvent(
            .notificationSent, .info,
            "sent \"\(message.subject)\" to \(message.recipient.map { "\($0) through " } ?? "")notifier \(notifier.id) (\(notifier.kind))",
            detail: message.idempotencyKey)
    }

    static func notificationFailed(_ message: OutboxMessage, attempts: Int, reason: String, retry: Date) -> JournalEvent {
        JournalEvent(
            .notificationFailed, .warning,
            "could not send \"\(message.subject)\" to \(message.recipient.map { "\($0) through " } ?? "")notifier \(message.notifier) "
                + "(attempt \(attempts) of \(OutboxDispatcher.maximumAttempts)): "
                + "\(reason); retried at \(ProviderTimestamp.format(retry))",
            detail: message.idempotencyKey)
    }

    static func notificationUndeliverable(_ message: OutboxMessage, reason: String) -> JournalEvent {
        JournalEvent(
            .notificationUndeliverable, .error,
            "gave up sending \"\(message.subject)\" to \(message.recipient.map { "\($0) through " } ?? "")notifier \(message.notifier): "
                + "\(reason); `tokenwarden outbox` lists it",
            detail: message.idempotencyKey)
    }
}
