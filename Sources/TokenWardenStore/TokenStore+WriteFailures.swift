import Foundation
import GRDB
import TokenWardenCore

/// Writes that keep failing: counted per token, given up at a limit, re-armed by an admin.
extension TokenStore {
    /// Counts one more failed write of a token; at `giveUpAfter` failures in a row the token's writes
    /// stop. Returns the run as it stands.
    @discardableResult
    public func noteWriteFailure(provider: String, tokenID: String, error: String, at now: Date, giveUpAfter: Int) throws -> WriteFailureRun {
        try writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO write_failure (provider_id, token_id, failures, last_error, last_failed_at) VALUES (?, ?, 1, ?, ?)
                    ON CONFLICT (provider_id, token_id) DO UPDATE SET failures = failures + 1, last_error = excluded.last_error,
                      last_failed_at = excluded.last_failed_at
                    """, arguments: [provider, tokenID, error, now.millisecondsSince1970])
            try db.execute(
                sql: "UPDATE write_failure SET gave_up_at = ? WHERE provider_id = ? AND token_id = ? AND gave_up_at IS NULL AND failures >= ?",
                arguments: [now.millisecondsSince1970, provider, tokenID, giveUpAfter])
            return try Self.writeFailure(db, provider: provider, tokenID: tokenID)!
        }
    }

    /// A write of the token succeeded: its run of failures is over.
    public func clearWriteFailures(provider: String, tokenID: String) throws {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM write_failure WHERE provider_id = ? AND token_id = ?", arguments: [provider, tokenID])
        }
    }

    /// The tokens whose writes tokenwarden gave up on, by reference.
    public func gaveUpWrites() throws -> [String: WriteFailureRun] {
        try writer.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM write_failure WHERE gave_up_at IS NOT NULL ORDER BY gave_up_at")
            return Dictionary(rows.map(Self.writeFailure).map { ($0.reference, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// Runs that gave up and were not yet alerted about, marked alerted: each gets one alert.
    public func takeUnannouncedGiveUps() throws -> [WriteFailureRun] {
        try writer.write { db in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM write_failure WHERE gave_up_at IS NOT NULL AND NOT announced ORDER BY gave_up_at")
            try db.execute(sql: "UPDATE write_failure SET announced = 1 WHERE gave_up_at IS NOT NULL")
            return rows.map(Self.writeFailure)
        }
    }

    /// `tokenwarden retry`: ends the token's run of failures, with the admin's audit entry (who and
    /// why), in one transaction. Nil when tokenwarden had not given up on the token.
    public func rearmWrites(
        provider: String, tokenID: String, by admin: String, byUID: UInt32? = nil, reason: String, at now: Date
    ) throws -> WriteFailureRun? {
        try writer.write { db in
            guard let run = try Self.writeFailure(db, provider: provider, tokenID: tokenID), run.gaveUpAt != nil else { return nil }
            try db.execute(sql: "DELETE FROM write_failure WHERE provider_id = ? AND token_id = ?", arguments: [provider, tokenID])
            try Self.auditAdmin(
                db, provider: provider, tokenID: tokenID, action: "retry", at: now,
                detail: "by \(admin): \(reason) (after \(run.failures) failures in a row, the last: \(run.lastError))", actorUID: byUID)
            return run
        }
    }

    static func writeFailure(_ db: Database, provider: String, tokenID: String) throws -> WriteFailureRun? {
        try Row.fetchOne(db, sql: "SELECT * FROM write_failure WHERE provider_id = ? AND token_id = ?", arguments: [provider, tokenID])
            .map(writeFailure)
    }

    static func writeFailure(_ row: Row) -> WriteFailureRun {
        WriteFailureRun(
            provider: row["provider_id"], tokenID: row["token_id"], failures: row["failures"], lastError: row["last_error"],
            lastFailedAt: Date(millisecondsSince1970: row["last_failed_at"]),
            gaveUpAt: (row["gave_up_at"] as Int64?).map(Date.init(millisecondsSince1970:)))
    }
}
