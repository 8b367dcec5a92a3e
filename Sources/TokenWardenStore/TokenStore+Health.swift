import Foundation
import GRDB
import TokenWardenCore

/// What `tokenwarden status` reads: how each provider's polls went, what the daemon has armed next,
/// and the last database check.
extension TokenStore {
    /// How one provider's polls stand, from its row.
    public struct ProviderHealth: Sendable, Hashable {
        public var provider: String
        public var lastPollAt: Date?
        public var succeeded: Bool?
        public var error: String?
        public var tokenCount: Int?
        public var consecutiveFailures: Int
        public var nextPollAt: Date?
    }

    /// The last `PRAGMA quick_check`: when, and "ok" or its first findings.
    public struct CheckRecord: Sendable, Hashable {
        public var at: Date
        public var passed: Bool
        public var detail: String
    }

    public func providerHealth() throws -> [ProviderHealth] {
        try writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, last_poll_finished_at, last_poll_outcome, last_poll_error, token_count, consecutive_failures, next_poll_at
                    FROM provider ORDER BY id
                    """
            ).map { row in
                ProviderHealth(
                    provider: row["id"], lastPollAt: (row["last_poll_finished_at"] as Int64?).map(Date.init(millisecondsSince1970:)),
                    succeeded: (row["last_poll_outcome"] as String?).map { $0 == "succeeded" }, error: row["last_poll_error"],
                    tokenCount: row["token_count"], consecutiveFailures: row["consecutive_failures"],
                    nextPollAt: (row["next_poll_at"] as Int64?).map(Date.init(millisecondsSince1970:)))
            }
        }
    }

    /// Keeps when the daemon will poll `provider` next (nil: not armed).
    public func recordNextPoll(provider: String, at instant: Date?) throws {
        try writer.write { db in
            try db.execute(sql: "UPDATE provider SET next_poll_at = ? WHERE id = ?", arguments: [instant?.millisecondsSince1970, provider])
        }
    }

    public func recordCheck(passed: Bool, detail: String, at instant: Date) throws {
        try writer.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO store_check (id, checked_at, result) VALUES (1, ?, ?)",
                arguments: [instant.millisecondsSince1970, passed ? "ok" : "damaged: " + detail])
        }
    }

    public func lastCheck() throws -> CheckRecord? {
        try writer.read { db in
            try Row.fetchOne(db, sql: "SELECT checked_at, result FROM store_check WHERE id = 1").map { row in
                let result: String = row["result"]
                return CheckRecord(at: Date(millisecondsSince1970: row["checked_at"]), passed: result == "ok", detail: result)
            }
        }
    }

    /// The database's size on disk: the file and its write-ahead log.
    public var sizeOnDisk: Int64 {
        [writer.path, writer.path + "-wal"].reduce(0) { total, path in
            total + ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64) ?? 0)
        }
    }
}

extension TokenStore {
    /// How many polls of `provider` have failed in a row (0 after a success): the daemon backs off by it.
    public func consecutiveFailures(provider: String) throws -> Int {
        try writer.read { db in
            try Int.fetchOne(db, sql: "SELECT consecutive_failures FROM provider WHERE id = ?", arguments: [provider]) ?? 0
        }
    }
}
