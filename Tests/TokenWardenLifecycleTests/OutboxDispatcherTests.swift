import Foundation
import Synchronization
import Testing
import TokenWardenCore
import TokenWardenJournal
import TokenWardenProviders
import TokenWardenStore

@testable import TokenWardenLifecycle

/// The outbox when every notifier is down: what is given up is told once, and alerts about
/// undeliverable alerts never breed more of themselves.
@Suite struct OutboxDispatcherTests {
    /// A test clock the dispatcher reads.
    final class TestClock: Sendable {
        private let now = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        var date: Date { now.withLock { $0 } }
        func advance(by seconds: TimeInterval) { now.withLock { $0 += seconds } }
    }

    /// Three webhook notifiers at a receiver that answers every request 503, all of them
    /// `alert_to`; one digest queued to the first. Passes run until nothing is left to send.
    @Test func alertsAboutUndeliverableAlertsNeverMultiply() async throws {
        try await SimulatorScope.with(.init(tokensPerProvider: 0, seed: 1)) { simulator, http in
            await simulator.webhook.fail(next: 1_000)
            let clock = TestClock()
            let store = try TokenStore.inMemory()
            let ids = ["ops-a", "ops-b", "ops-c"]
            let notifiers = ids.map { Notifier(id: $0, channel: .webhook(url: simulator.webhookURL($0), format: .json, secret: nil)) }
            let dispatcher = OutboxDispatcher(
                store: store, notifiers: notifiers, sender: NotificationSender(http: http), alertTo: ids, now: { clock.date })
            let payload = NotificationPayload.digest([], notifier: "ops-a", id: "digest-1", at: clock.date)
            try store.queue([
                OutboxMessage(
                    notifier: "ops-a", idempotencyKey: "digest-1", subject: payload.summary, payload: payload.json(), queuedAt: clock.date)
            ])
            var events: [JournalEvent] = []
            for _ in 0..<200 {
                events += await dispatcher.sendDue()
                guard let next = try store.outbox(states: [.pending]).map(\.nextAttemptAt).min() else { break }
                clock.advance(by: max(1, next.timeIntervalSince(clock.date) + 1))
            }
            let all = try store.outbox(states: [.pending, .sent, .undeliverable])
            #expect(try store.outbox(states: [.pending]).isEmpty, "every message was given up in the end")
            // The digest, then one summary of it to each other alert notifier; those summaries, given
            // up in their turn, are journalled but tell no one.
            #expect(all.count == 3, "\(all.map { "\($0.notifier) \($0.subject)" })")
            #expect(Set(all.filter { $0.idempotencyKey != "digest-1" }.map(\.notifier)) == ["ops-b", "ops-c"])
            #expect(all.allSatisfy { $0.state == .undeliverable })
            #expect(events.filter { $0.kind == .notificationUndeliverable }.count == 3)
            #expect(events.filter { $0.kind == .notificationFailed }.count == 3 * (OutboxDispatcher.maximumAttempts - 1))
            #expect(await simulator.webhook.received.isEmpty)
        }
    }

    /// A summary's key is made of what it reports, so the same report queued twice is one message
    /// (and a resend of it carries the same key, like every other message).
    @Test func theSummaryOfGivenUpMessagesIsKeyedByWhatItReports() throws {
        let store = try TokenStore.inMemory()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let event = JournalEvent(.notificationUndeliverable, .error, "gave up sending \"x\" to notifier ops-a", detail: "digest-1")
        try store.queue(OutboxMessage.undeliverableSummary([event], to: ["ops-b"], at: now))
        try store.queue(OutboxMessage.undeliverableSummary([event], to: ["ops-b"], at: now.addingTimeInterval(60)))
        #expect(try store.outbox(states: [.pending]).count == 1)
        let other = JournalEvent(.notificationUndeliverable, .error, "gave up sending \"y\" to notifier ops-a", detail: "digest-2")
        try store.queue(OutboxMessage.undeliverableSummary([event, other], to: ["ops-b"], at: now))
        #expect(try store.outbox(states: [.pending]).count == 2)
    }
}
