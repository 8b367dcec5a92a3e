import Foundation
import Testing
import TokenWardenCore

@testable import TokenWardenStore

/// The notification outbox: queued with the audit records, due, retried, given up, never twice.
@Suite struct OutboxStoreTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func message(_ key: String, notifier: String = "ops") -> OutboxMessage {
        OutboxMessage(notifier: notifier, idempotencyKey: key, subject: "1 token needs attention", payload: "{\"id\":\"\(key)\"}", queuedAt: t0)
    }

    static func action() -> AuditedAction {
        AuditedAction(
            provider: "awx-main", tokenID: "1", occurredAt: t0, rule: "warn", action: .notify, mode: .report, outcome: .succeeded,
            reason: "expires in 7 days")
    }

    @Test func aMessageIsQueuedWithItsDecisionsAndOnlyOncePerKey() throws {
        let store = try TokenStore.inMemory()
        // The audit record names a token the store does not have: the transaction fails, and the
        // messages are not queued either.
        #expect(throws: (any Error).self) { try store.recordActions([Self.action()], queueing: [Self.message("k1")]) }
        #expect(try store.dueMessages(at: Self.t0).isEmpty)

        try store.registerProviders(
            [ProviderConfig(id: "awx-main", kind: .awx, baseURL: "https://awx.example.com", credential: .systemd(name: "awx"))], at: Self.t0)
        try store.recordObservations([ObservedToken(id: "1", name: "deploy")], provider: "awx-main", at: Self.t0)
        try store.recordActions([Self.action()], queueing: [Self.message("k1"), Self.message("k2", notifier: "mail")])
        try store.queue([Self.message("k1")])
        #expect(try store.dueMessages(at: Self.t0).map(\.idempotencyKey) == ["k1", "k2"])
        #expect(try store.history(limit: 10).count == 2, "the token discovered, and the audit record that went in with the messages")
    }

    @Test func aFailedMessageWaitsForItsRetryAndIsGivenUpWithoutOne() throws {
        let store = try TokenStore.inMemory()
        try store.queue([Self.message("k1"), Self.message("k2")])
        let (first, second) = try { () throws -> (OutboxMessage, OutboxMessage) in
            let due = try store.dueMessages(at: Self.t0)
            return (due[0], due[1])
        }()
        try store.markFailed(first.id, error: "hooks.example.com answered 503", retryAt: Self.t0 + 60)
        try store.markSent(second.id, at: Self.t0 + 1)
        #expect(try store.dueMessages(at: Self.t0 + 59).isEmpty)
        #expect(try store.nextMessageDue() == Self.t0 + 60)
        let retried = try #require(try store.dueMessages(at: Self.t0 + 60).first)
        #expect(retried.attempts == 1 && retried.lastError == "hooks.example.com answered 503" && retried.idempotencyKey == "k1")
        try store.markFailed(retried.id, error: "still down", retryAt: nil)
        #expect(try store.nextMessageDue() == nil)
        let listed = try store.outbox(states: [.pending, .undeliverable])
        #expect(listed.map(\.state) == [.undeliverable] && listed.first?.attempts == 2)
        #expect(try store.outbox(states: [.sent]).first?.sentAt == Self.t0 + 1)
    }
}
