import Foundation
import GRDB
import TokenWardenCore

extension TokenStore {
    /// Appends an action to the audit trail and returns its id.
    @discardableResult
    public func recordAction(_ action: AuditedAction) throws -> Int64 {
        try writer.write { db in
            try Self.insert(action, db)
            return db.lastInsertedRowID
        }
    }

    /// Appends many actions in one transaction: a cycle reporting a large inventory's decisions
    /// committed each one on its own (an 800k-token first report took minutes).
    public func recordActions(_ actions: [AuditedAction]) throws {
        guard !actions.isEmpty else { return }
        try writer.write { db in
            for action in actions { try Self.insert(action, db) }
        }
    }

    static func insert(_ action: AuditedAction, _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO action (provider_id, token_id, occurred_at, rule, action, mode, outcome, reason, error, actor_uid)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            action.provider, action.tokenID, action.occurredAt.millisecondsSince1970, action.rule, action.action.rawValue,
            action.mode.rawValue, action.outcome.rawValue, action.reason, action.error, action.actorUID.map { Int64($0) },
        ])
    }

    /// Records how an action that was `planned` ended (written after the provider answered).
    public func finishAction(id: Int64, outcome: ActionOutcome, error: String? = nil) throws {
        try writer.write { db in
            try db.execute(sql: "UPDATE action SET outcome = ?, error = ? WHERE id = ?", arguments: [outcome.rawValue, error, id])
        }
    }

    /// The history of one token (all of it) or of the whole inventory (the newest `limit` entries),
    /// oldest first, in causal order: a rotation's audit entry, which carries how it ended, comes
    /// after its steps (at the time it ended). A token's discovery is its row's `first_seen_at` (no history row is written for
    /// it), first among the entries of the same instant, discoveries in the order they were stored.
    public func history(provider: String? = nil, tokenID: String? = nil, limit: Int? = nil) throws -> [HistoryEntry] {
        var filter = ""
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let provider, let tokenID {
            filter = "WHERE x.provider_id = ? AND x.token_id = ?"
            arguments = [provider, tokenID]
        }
        let limitClause = limit.map { " LIMIT \($0)" } ?? ""
        let sql = """
            SELECT * FROM (
              SELECT x.first_seen_at AS occurred_at, x.rowid AS seq, x.provider_id, x.token_id, x.name, 'observation' AS source,
                     -1 AS rank, '\(TokenEventKind.discovered.rawValue)' AS event,
                     CASE WHEN x.successor_of IS NULL THEN '' ELSE 'successor of ' || x.successor_of || ' (lineage "' || x.base_name || '")' END
                       AS detail, NULL AS rule, NULL AS actor_uid, '\(TokenEventKind.discovered.rawValue)' AS code, NULL AS mode,
                     NULL AS outcome
                FROM token x \(filter)
              UNION ALL
              SELECT x.occurred_at, x.id, x.provider_id, x.token_id, t.name, 'observation', 0, x.kind, x.detail, NULL, NULL, x.kind, NULL,
                     NULL
                FROM token_event x JOIN token t USING (provider_id, token_id) \(filter)
              UNION ALL
              SELECT CASE WHEN r.id IS NULL OR x.outcome = 'planned' THEN x.occurred_at ELSE r.updated_at END,
                     x.id, x.provider_id, x.token_id, t.name, 'action', CASE WHEN r.id IS NULL THEN 1 ELSE 3 END,
                     CASE WHEN x.mode = 'admin' THEN x.action || ' (admin)'
                          WHEN x.mode = 'report' AND x.outcome = 'skipped' THEN 'would ' || x.action || ' (report-only)'
                          ELSE x.action || ' (' || x.mode || '): ' || x.outcome END,
                     x.reason || COALESCE(' — ' || x.error, ''), x.rule, x.actor_uid, REPLACE(x.action, '-', '_'), x.mode, x.outcome
                FROM action x JOIN token t USING (provider_id, token_id) LEFT JOIN rotation r ON r.action_id = x.id \(filter)
              UNION ALL
              SELECT s.occurred_at, s.id, x.provider_id, x.token_id, t.name, 'rotation', 2, s.state, s.detail, x.rule, NULL,
                     'rotation_' || s.state, NULL, NULL
                FROM rotation_step s JOIN rotation x ON x.id = s.rotation_id
                JOIN token t USING (provider_id, token_id) \(filter)
            ) ORDER BY occurred_at DESC, rank DESC, seq DESC\(limitClause)
            """
        let repeated = StatementArguments(arguments + arguments + arguments + arguments)
        return try writer.read { db in
            try Row.fetchAll(db, sql: sql, arguments: repeated).reversed().map { row in
                HistoryEntry(
                    occurredAt: Date(millisecondsSince1970: row["occurred_at"]), provider: row["provider_id"], tokenID: row["token_id"],
                    tokenName: row["name"], source: HistoryEntry.Source(rawValue: row["source"]) ?? .observation,
                    event: row["event"], detail: row["detail"], rule: row["rule"],
                    actorUID: (row["actor_uid"] as Int64?).map { UInt32(clamping: $0) }, code: row["code"], mode: row["mode"],
                    outcome: row["outcome"])
            }
        }
    }
}
