import Foundation
import GRDB
import TokenWardenCore

/// `tokenwarden rehearse`: each run written before its probe is created and settled after.
extension TokenStore {
    /// Records a rehearsal about to create a probe named `probeName`.
    public func beginRehearsal(provider: String, owner: String?, probeName: String, at now: Date) throws -> Int64 {
        try writer.write { db in
            try db.execute(
                sql: "INSERT INTO rehearsal (provider_id, owner, probe_name, started_at) VALUES (?, ?, ?, ?)",
                arguments: [provider, owner ?? "", probeName, now.millisecondsSince1970])
            return db.lastInsertedRowID
        }
    }

    /// Settles a rehearsal with its steps; returns it as stored.
    @discardableResult
    public func finishRehearsal(
        _ id: Int64, passed: Bool, failedStep: Int?, summary: String?, steps: [RehearsalRecord.Step], at now: Date, settled: Bool = true
    ) throws -> RehearsalRecord {
        try writer.write { db in
            // Unsettled (a create got no answer): the steps are kept, and the run stays unfinished for the sweep.
            try db.execute(
                sql: "UPDATE rehearsal SET finished_at = ?, passed = ?, failed_step = ?, summary = ?, steps = ? WHERE id = ?",
                arguments: [
                    settled ? now.millisecondsSince1970 : nil, settled ? passed : nil, failedStep, summary, try JSONColumn.encode(steps), id,
                ])
            return try Self.rehearsal(try Row.fetchOne(db, sql: "SELECT * FROM rehearsal WHERE id = ?", arguments: [id])!)
        }
    }

    /// Rehearsals of `provider` that never finished (tokenwarden stopped during one), started before `before`.
    public func unfinishedRehearsals(provider: String, startedBefore before: Date) throws -> [RehearsalRecord] {
        try writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM rehearsal WHERE provider_id = ? AND finished_at IS NULL AND started_at < ? ORDER BY id",
                arguments: [provider, before.millisecondsSince1970]
            ).map(Self.rehearsal)
        }
    }

    /// The latest finished rehearsal of each provider and owner, by provider id.
    public func lastRehearsals() throws -> [String: [RehearsalRecord]] {
        try writer.read { db in
            guard try db.tableExists("rehearsal") else { return [:] }
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM rehearsal r WHERE id = (
                      SELECT MAX(id) FROM rehearsal WHERE provider_id = r.provider_id AND owner = r.owner AND finished_at IS NOT NULL)
                    ORDER BY provider_id, owner
                    """)
            return Dictionary(grouping: try rows.map(Self.rehearsal), by: \.provider)
        }
    }

    static func rehearsal(_ row: Row) throws -> RehearsalRecord {
        let owner: String = row["owner"]
        return RehearsalRecord(
            id: row["id"], provider: row["provider_id"], owner: owner.isEmpty ? nil : owner, probeName: row["probe_name"],
            startedAt: Date(millisecondsSince1970: row["started_at"]),
            finishedAt: (row["finished_at"] as Int64?).map(Date.init(millisecondsSince1970:)), passed: row["passed"],
            failedStep: row["failed_step"], summary: row["summary"],
            steps: try JSONColumn.decode([RehearsalRecord.Step].self, from: row["steps"]))
    }
}
