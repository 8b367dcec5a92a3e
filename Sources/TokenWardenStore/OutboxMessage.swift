import Foundation

/// One message to people in the outbox: queued with the decisions it tells of, sent with retries.
public struct OutboxMessage: Sendable, Hashable {
    public enum State: String, Sendable, Hashable, CaseIterable {
        case pending, sent, undeliverable
    }

    /// The row id (0 until stored).
    public var id: Int64 = 0
    public var notifier: String
    /// The same for every attempt to send this message: receivers drop repeats by it.
    public var idempotencyKey: String
    public var subject: String
    /// The JSON payload (`tokenwarden.notification/1`): token facts, never a secret.
    public var payload: String
    public var queuedAt: Date
    public var attempts = 0
    public var nextAttemptAt: Date
    public var state = State.pending
    public var lastError: String?
    public var sentAt: Date?

    public init(notifier: String, idempotencyKey: String, subject: String, payload: String, queuedAt: Date) {
        self.notifier = notifier
        self.idempotencyKey = idempotencyKey
        self.subject = subject
        self.payload = payload
        self.queuedAt = queuedAt
        self.nextAttemptAt = queuedAt
    }
}
