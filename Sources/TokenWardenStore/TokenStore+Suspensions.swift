import Foundation
import GRDB
import TokenWardenCore

/// Snoozes and exemptions (`tokenwarden snooze`, `exempt`, `unsnooze`): one per token, each change
/// written with its audit record (who and why) in one transaction.
extension TokenStore {
    /// Snoozes or exempts a token, replacing what it had; false when the token is not in the inventory.
    @discardableResult
    public func suspend(provider: String, tokenID: String, _ suspension: Suspension) throws -> Bool {
        try writer.write { db in
            guard try Self.knows(provider, tokenID, db) else { return false }
            try db.execute(
                sql: """
                    INSERT INTO token_suspension (provider_id, token_id, kind, until_at, reason, set_by, set_by_uid, set_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (provider_id, token_id) DO UPDATE SET kind = excluded.kind, until_at = excluded.until_at,
                      reason = excluded.reason, set_by = excluded.set_by, set_by_uid = excluded.set_by_uid, set_at = excluded.set_at
                    """,
                arguments: [
                    provider, tokenID, suspension.kind.rawValue, suspension.until?.millisecondsSince1970, suspension.reason, suspension.by,
                    suspension.byUID.map { Int64($0) }, suspension.at.millisecondsSince1970,
                ])
            let until = suspension.until.map { "until \(ProviderTimestamp.format($0)); " } ?? ""
            try Self.auditAdmin(
                db, provider: provider, tokenID: tokenID, action: suspension.kind.rawValue, at: suspension.at,
                detail: "\(until)by \(suspension.by): \(suspension.reason)", actorUID: suspension.byUID)
            return true
        }
    }

    /// Ends a token's snooze or exemption; returns the one it had (nil: none, nothing recorded).
    public func lift(provider: String, tokenID: String, by: String, byUID: UInt32? = nil, reason: String, at now: Date) throws -> Suspension? {
        try writer.write { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM token_suspension WHERE provider_id = ? AND token_id = ?", arguments: [provider, tokenID])
            else { return nil }
            try db.execute(sql: "DELETE FROM token_suspension WHERE provider_id = ? AND token_id = ?", arguments: [provider, tokenID])
            try Self.auditAdmin(db, provider: provider, tokenID: tokenID, action: "unsnooze", at: now, detail: "by \(by): \(reason)", actorUID: byUID)
            return Self.suspension(row)
        }
    }

    /// Records that an admin acted on a token despite its snooze or exemption (`--override-suspension`),
    /// which stays in place.
    public func recordSuspensionOverride(
        provider: String, tokenID: String, held: Suspension, verb: String, by: String, byUID: UInt32?, reason: String, at now: Date
    ) throws {
        try writer.write { db in
            try Self.auditAdmin(
                db, provider: provider, tokenID: tokenID, action: "override-\(held.kind.rawValue)", at: now,
                detail: "\(verb) despite \(held.description); by \(by): \(reason)", actorUID: byUID)
        }
    }

    /// The snoozes and exemptions that hold at `now`, by reference (`provider/id`).
    public func suspensions(at now: Date) throws -> [String: Suspension] {
        try writer.read { db in
            var found: [String: Suspension] = [:]
            // A database the daemon has not migrated yet (read-only commands do not migrate) has none.
            guard try db.tableExists("token_suspension") else { return found }
            for row in try Row.fetchAll(
                db, sql: "SELECT * FROM token_suspension WHERE until_at IS NULL OR until_at > ?", arguments: [now.millisecondsSince1970])
            {
                found["\(row["provider_id"] as String)/\(row["token_id"] as String)"] = Self.suspension(row)
            }
            return found
        }
    }

    private static func suspension(_ row: Row) -> Suspension {
        Suspension(
            kind: Suspension.Kind(rawValue: row["kind"]) ?? .snooze, until: (row["until_at"] as Int64?).map(Date.init(millisecondsSince1970:)),
            reason: row["reason"], by: row["set_by"], byUID: (row["set_by_uid"] as Int64?).map { UInt32(clamping: $0) },
            at: Date(millisecondsSince1970: row["set_at"]))
    }

    private static func knows(_ provider: String, _ tokenID: String, _ db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT 1 FROM token WHERE provider_id = ? AND token_id = ?", arguments: [provider, tokenID]) ?? false
    }

    /// An admin's command in the audit trail: `mode` "admin", what was done and by whom in the detail.
    /// `actorUID`: the real uid of the process that ran it.
    static func auditAdmin(
        _ db: Database, provider: String, tokenID: String, action: String, at: Date, detail: String, actorUID: UInt32?
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO action (provider_id, token_id, occurred_at, rule, action, mode, outcome, reason, actor_uid)
                VALUES (?, ?, ?, NULL, ?, 'admin', 'succeeded', ?, ?)
                """, arguments: [provider, tokenID, at.millisecondsSince1970, action, detail, actorUID.map { Int64($0) }])
    }
}
