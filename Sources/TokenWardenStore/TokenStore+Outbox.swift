import Foundation
import GRDB

/// The notification outbox: queued with the cycle's audit records in one transaction, taken when
/// due, marked sent or retried later, and after the last attempt undeliverable.
extension TokenStore {
    /// Records a cycle's audited actions and queues its messages in one transaction: a message is
    /// never lost between deciding and queueing, and never queued for a decision not recorded.
    /// A message whose idempotency key is already queued is not queued again.
    /// A message with a digest window joins the one already waiting for the same notifier, recipient
    /// and window: `gather` combines the two (the waiting one keeps its key, nothing was sent yet).
    public func recordActions(
        _ actions: [AuditedAction], queueing messages: [OutboxMessage], gather: Gather? = nil
    ) throws {
        guard !actions.isEmpty || !messages.isEmpty else { return }
        try writer.write { db in
            for action in actions { try Self.insert(action, db) }
            for message in messages { try Self.queue(message, gather: gather, db) }
        }
    }

    /// Combines a message waiting for its digest window with a new one for the same window.
    public typealias Gather = @Sendable (_ waiting: OutboxMessage, _ new: OutboxMessage) -> OutboxMessage

    /// Queues messages on their own (admin alerts).
    public func queue(_ messages: [OutboxMessage]) throws {
        guard !messages.isEmpty else { return }
        try writer.write { db in
            for message in messages { try Self.queue(message, db) }
        }
    }

    private static func queue(_ message: OutboxMessage, gather: Gather? = nil, _ db: Database) throws {
        if let window = message.digestWindow, let gather,
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT * FROM notification WHERE state = 'pending' AND attempts = 0 AND notifier_id = ? AND recipient IS ?
                      AND digest_window = ? AND next_attempt_at > ? ORDER BY id LIMIT 1
                    """,
                arguments: [message.notifier, message.recipient, window.millisecondsSince1970, message.queuedAt.millisecondsSince1970])
        {
            let gathered = gather(Self.message(row), message)
            try db.execute(
                sql: "UPDATE notification SET subject = ?, payload = ? WHERE id = ?",
                arguments: [gathered.subject, gathered.payload, row["id"] as Int64])
            return
        }
        try db.execute(
            sql: """
                INSERT INTO notification (notifier_id, recipient, digest_window, idempotency_key, subject, payload, queued_at, attempts,
                                          next_attempt_at, state)
                VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, 'pending') ON CONFLICT (idempotency_key) DO NOTHING
                """,
            arguments: [
                message.notifier, message.recipient, message.digestWindow?.millisecondsSince1970, message.idempotencyKey, message.subject,
                message.payload, message.queuedAt.millisecondsSince1970, message.nextAttemptAt.millisecondsSince1970,
            ])
    }

    /// Pending messages due at `now`, oldest first.
    public func dueMessages(at now: Date, limit: Int = 100) throws -> [OutboxMessage] {
        try writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM notification WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
                arguments: [now.millisecondsSince1970, limit]
            ).map(Self.message)
        }
    }

    /// The outbox for `tokenwarden outbox`: pending and undeliverable messages, and the last sent ones.
    public func outbox(states: Set<OutboxMessage.State>, limit: Int = 1_000) throws -> [OutboxMessage] {
        try writer.read { db in
            let list = states.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ")
            return try Row.fetchAll(
                db, sql: "SELECT * FROM notification WHERE state IN (\(list)) ORDER BY id DESC LIMIT ?", arguments: [limit]
            ).map(Self.message)
        }
    }

    /// When the next pending message is due, if any.
    public func nextMessageDue() throws -> Date? {
        try writer.read { db in
            try Int64.fetchOne(db, sql: "SELECT min(next_attempt_at) FROM notification WHERE state = 'pending'").map(
                Date.init(millisecondsSince1970:))
        }
    }

    public func markSent(_ id: Int64, at now: Date) throws {
        try writer.write { db in
            try db.execute(
                sql: "UPDATE notification SET state = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?",
                arguments: [now.millisecondsSince1970, id])
        }
    }

    /// A failed attempt: retried at `retryAt`, or undeliverable when nil.
    public func markFailed(_ id: Int64, error: String, retryAt: Date?) throws {
        try writer.write { db in
            try db.execute(
                sql: """
                    UPDATE notification SET attempts = attempts + 1, last_error = ?,
                           state = CASE WHEN ? IS NULL THEN 'undeliverable' ELSE 'pending' END,
                           next_attempt_at = coalesce(?, next_attempt_at)
                    WHERE id = ?
                    """,
                arguments: [error, retryAt?.millisecondsSince1970, retryAt?.millisecondsSince1970, id])
        }
    }

    private static func message(_ row: Row) -> OutboxMessage {
        var message = OutboxMessage(
            notifier: row["notifier_id"], idempotencyKey: row["idempotency_key"], subject: row["subject"], payload: row["payload"],
            queuedAt: Date(millisecondsSince1970: row["queued_at"]))
        message.id = row["id"]
        message.recipient = row["recipient"]
        message.digestWindow = (row["digest_window"] as Int64?).map(Date.init(millisecondsSince1970:))
        message.attempts = row["attempts"]
        message.nextAttemptAt = Date(millisecondsSince1970: row["next_attempt_at"])
        message.state = OutboxMessage.State(rawValue: row["state"]) ?? .pending
        message.lastError = row["last_error"]
        message.sentAt = (row["sent_at"] as Int64?).map(Date.init(millisecondsSince1970:))
        return message
    }
}
