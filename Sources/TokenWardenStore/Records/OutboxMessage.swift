import Foundation

/// One message to people in the outbox: queued with the decisions it tells of, sent with retries.
public struct OutboxMessage: Sendable, Hashable {
    public enum State: String, Sendable, Hashable, CaseIterable {
        case pending, sent, undeliverable
    }

    /// The row id (0 until stored).
    public var id: Int64 = 0
    public var notifier: String
    /// One address the message goes to instead of the notifier's own (an owner's, through a mail notifier).
    public var recipient: String?
    /// The digest window it waits for (the notifier's `digest`): messages queued for the same
    /// notifier, recipient and window are gathered into one before it opens.
    public var digestWindow: Date?
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
