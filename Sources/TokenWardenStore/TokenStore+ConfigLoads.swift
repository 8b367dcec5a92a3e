import Foundation
import GRDB

/// What the daemon runs with, for `tokenwarden status`: when it last loaded its configuration and
/// policies, and when it last refused a reload and why. One row, written by the daemon only.
extension TokenStore {
    /// The daemon's last load and last refused reload.
    public struct ConfigLoads: Sendable, Hashable {
        /// When the configuration in effect was loaded (start, or the last good reload).
        public var loadedAt: Date?
        /// The last refused reload, when it came after that load.
        public var refusedAt: Date?
        /// Every problem of the refused reload, file:line first, one per line.
        public var refusal: String?
    }

    /// The daemon started, or reloaded, with the files on disk: a refusal before it is settled.
    public func recordConfigLoaded(at now: Date) throws {
        try writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO daemon_config (id, loaded_at, refused_at, refusal) VALUES (1, ?, NULL, NULL)
                    ON CONFLICT (id) DO UPDATE SET loaded_at = excluded.loaded_at, refused_at = NULL, refusal = NULL
                    """, arguments: [now.millisecondsSince1970])
        }
    }

    /// The daemon refused a reload and runs on with what it had.
    public func recordConfigRefused(_ problem: String, at now: Date) throws {
        try writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO daemon_config (id, loaded_at, refused_at, refusal) VALUES (1, NULL, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET refused_at = excluded.refused_at, refusal = excluded.refusal
                    """, arguments: [now.millisecondsSince1970, problem])
        }
    }

    public func configLoads() throws -> ConfigLoads {
        try writer.read { db in
            // A database no daemon of this version has migrated yet (read-only commands do not migrate).
            guard try db.tableExists("daemon_config"),
                let row = try Row.fetchOne(db, sql: "SELECT loaded_at, refused_at, refusal FROM daemon_config WHERE id = 1")
            else { return ConfigLoads() }
            return ConfigLoads(
                loadedAt: (row["loaded_at"] as Int64?).map(Date.init(millisecondsSince1970:)),
                refusedAt: (row["refused_at"] as Int64?).map(Date.init(millisecondsSince1970:)), refusal: row["refusal"])
        }
    }
}
