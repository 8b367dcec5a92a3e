import Foundation
import GRDB
import TokenWardenCore

/// Pauses (`tokenwarden pause`, `resume`): each row one pause, ended by a resume or by its time
/// running out, with who set and ended it and why. The pause table is its own audit trail.
extension TokenStore {
    /// Pauses writes for `pause.provider` (every provider when nil); a pause of the same scope still
    /// in effect is replaced (ended, with the new one's words) and returned.
    @discardableResult
    public func pause(_ pause: Pause) throws -> Pause? {
        try writer.write { db in
            let replaced = try Self.openPauses(db, at: pause.since).first { $0.pause.provider == pause.provider }
            if let replaced {
                try Self.end(db, id: replaced.id, at: pause.since, by: pause.by, uid: pause.byUID, reason: "replaced by a new pause: \(pause.reason)")
            }
            try db.execute(
                sql: "INSERT INTO pause (provider_id, since_at, until_at, reason, set_by, set_by_uid) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [
                    pause.provider, pause.since.millisecondsSince1970, pause.until?.millisecondsSince1970, pause.reason, pause.by,
                    pause.byUID.map { Int64($0) },
                ])
            return replaced?.pause
        }
    }

    /// Ends the pauses in effect for `provider`, or every pause when nil (a resume of one provider
    /// leaves a pause of every provider in place); returns those ended.
    public func resume(provider: String?, by: String, byUID: UInt32?, reason: String, at now: Date) throws -> [Pause] {
        try writer.write { db in
            let ending = try Self.openPauses(db, at: now).filter { provider == nil || $0.pause.provider == provider }
            for open in ending { try Self.end(db, id: open.id, at: now, by: by, uid: byUID, reason: reason) }
            return ending.map(\.pause)
        }
    }

    /// The pauses in effect at `now`.
    public func pauses(at now: Date) throws -> [Pause] {
        try writer.read { db in
            // A database the daemon has not migrated yet (read-only commands do not migrate) has none.
            guard try db.tableExists("pause") else { return [] }
            return try Self.openPauses(db, at: now).map(\.pause)
        }
    }

    /// The pause that ended last, with who ended it and why: what `status` tells after a resume.
    public func lastEndedPause() throws -> Pause.Ended? {
        try writer.read { db in
            guard try db.tableExists("pause"),
                let row = try Row.fetchOne(db, sql: "SELECT * FROM pause WHERE ended_at IS NOT NULL ORDER BY ended_at DESC, id DESC LIMIT 1")
            else { return nil }
            return Pause.Ended(
                pause: Self.pause(row), endedAt: Date(millisecondsSince1970: row["ended_at"]), by: row["ended_by"],
                reason: row["end_reason"] ?? "")
        }
    }

    /// Ends the pauses whose `until` has passed by `now`, once: what the journal says resumed by itself.
    public func takeExpiredPauses(at now: Date) throws -> [Pause.Ended] {
        try writer.write { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM pause WHERE ended_at IS NULL AND until_at IS NOT NULL AND until_at <= ? ORDER BY id",
                arguments: [now.millisecondsSince1970])
            return try rows.map { row in
                let pause = Self.pause(row)
                let until = pause.until ?? now
                try Self.end(db, id: row["id"], at: until, by: nil, uid: nil, reason: "its time ran out")
                return Pause.Ended(pause: pause, endedAt: until, by: nil, reason: "its time ran out")
            }
        }
    }

    private static func openPauses(_ db: Database, at now: Date) throws -> [(id: Int64, pause: Pause)] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM pause WHERE ended_at IS NULL AND (until_at IS NULL OR until_at > ?) ORDER BY id",
            arguments: [now.millisecondsSince1970]
        ).map { (id: $0["id"], pause: pause($0)) }
    }

    private static func end(_ db: Database, id: Int64, at now: Date, by: String?, uid: UInt32?, reason: String) throws {
        try db.execute(
            sql: "UPDATE pause SET ended_at = ?, ended_by = ?, ended_by_uid = ?, end_reason = ? WHERE id = ?",
            arguments: [now.millisecondsSince1970, by, uid.map { Int64($0) }, reason, id])
    }

    private static func pause(_ row: Row) -> Pause {
        Pause(
            provider: row["provider_id"], since: Date(millisecondsSince1970: row["since_at"]),
            until: (row["until_at"] as Int64?).map(Date.init(millisecondsSince1970:)), reason: row["reason"], by: row["set_by"],
            byUID: (row["set_by_uid"] as Int64?).map { UInt32(clamping: $0) })
    }
}
