import Foundation
import GRDB
import TokenWardenCore

extension TokenStore {
    /// Stages a cycle's decisions as they are made: `decide` is handed the tokens `query` matches,
    /// batch by batch in `forEachBatch`'s order, and returns what to remember of each decision. The
    /// memos go to a temporary table, so a million decisions are never held in memory; nothing is
    /// remembered until `rememberDecisions(_:adding:…)` takes the stage.
    ///
    /// It runs on the writer's connection (the temporary table is that connection's) in a deferred
    /// transaction that writes only to the temporary database: other processes can write meanwhile,
    /// and this one's other writes wait for it (the 1M-token first cycle of `make bench` spent about
    /// 16 s after its polls, deciding and remembering).
    public func stageDecisions(over query: TokenQuery, at now: Date, _ decide: ([Token]) throws -> [DecisionMemo]) throws -> DecisionStage {
        try stage { db, add in
            try Self.forEachBatch(db, matching: query, at: now, batchSize: 1_000) { tokens in try decide(tokens).forEach(add) }
        }
    }

    /// Stages decisions already made.
    public func stageDecisions(_ memos: [DecisionMemo]) throws -> DecisionStage {
        try stage { _, add in try memos.forEach(add) }
    }

    /// A new stage, filled by `fill` in one deferred transaction on the writer's connection.
    private func stage(_ fill: (Database, (DecisionMemo) throws -> Void) throws -> Void) throws -> DecisionStage {
        let stage = DecisionStage()
        try writer.writeWithoutTransaction { db in
            try Self.createStage(db)
            try db.inTransaction(.deferred) {
                let insert = try Self.stageInsert(db)
                try fill(db) { memo in try Self.insert(memo, into: stage, using: insert) }
                return .commit
            }
        }
        return stage
    }

    /// Remembers a stage's decisions, with `extra` ones made after it, and returns the references
    /// (`provider/id`) whose decision is new or changed since it was last reported. Tokens of
    /// `providers` with no decision any more are forgotten, so a later threshold crossing is reported
    /// again; other providers' memories are left alone. At most `limit` new or changed decisions are
    /// remembered (and returned), the first by provider and token id; the rest stay unremembered, to
    /// be reported by a later call, and are counted in `pending`. The stage is gone afterwards.
    ///
    /// A memo's `notice` is that of a notify decision (the token's expiry and the notice's stage, see
    /// `Decision.noticeStage`): a fresh notice about the same expiry as the one remembered, at a later
    /// stage, is returned in `escalating`: the notice before it went unanswered.
    public func rememberDecisions(
        _ stage: DecisionStage, adding extra: [DecisionMemo] = [], providers: Set<String>, at now: Date, limit: Int = .max
    ) throws -> RememberedDecisions {
        defer { discard(stage) }
        return try writer.write { db in
            try Self.createStage(db)
            let insert = try Self.stageInsert(db)
            for memo in extra { try Self.insert(memo, into: stage, using: insert) }
            let changed = """
                FROM temp.decision_stage AS now
                LEFT JOIN reported_decision AS before ON before.provider_id = now.provider_id AND before.token_id = now.token_id
                WHERE now.stage = ? AND (before.facts IS NULL OR before.facts <> now.facts)
                  AND NOT (now.keep_prefix IS NOT NULL AND before.facts IS NOT NULL
                           AND substr(before.facts, 1, length(now.keep_prefix)) = now.keep_prefix)
                """
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) " + changed, arguments: [stage.id]) ?? 0
            let first = try Row.fetchAll(
                db,
                sql: """
                    SELECT now.provider_id, now.token_id, now.facts, now.notice_expires_at, now.notice_stage,
                           before.notice_expires_at AS noticed_expires_at, before.notice_stage AS noticed_stage
                    \(changed) ORDER BY now.provider_id, now.token_id LIMIT ?
                    """, arguments: [stage.id, min(limit, Int(Int32.max))])
            let upsert = try db.makeStatement(
                sql: """
                    INSERT INTO reported_decision (provider_id, token_id, facts, reported_at, notice_expires_at, notice_stage)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (provider_id, token_id) DO UPDATE SET facts = excluded.facts, reported_at = excluded.reported_at,
                      notice_expires_at = excluded.notice_expires_at, notice_stage = excluded.notice_stage
                    """)
            var fresh: Set<String> = []
            var escalating: Set<String> = []
            for row in first {
                let reference = "\(row["provider_id"] as String)/\(row["token_id"] as String)"
                fresh.insert(reference)
                if let expires = row["notice_expires_at"] as Int64?, let stage = row["notice_stage"] as Int64?,
                    row["noticed_expires_at"] as Int64? == expires, let before = row["noticed_stage"] as Int64?, stage < before
                {
                    escalating.insert(reference)
                }
                try upsert.execute(arguments: [
                    row["provider_id"], row["token_id"], row["facts"], now.millisecondsSince1970, row["notice_expires_at"], row["notice_stage"],
                ])
            }
            try db.execute(
                sql: """
                    DELETE FROM reported_decision
                    WHERE provider_id IN (SELECT value FROM json_each(?)) AND NOT EXISTS (
                      SELECT 1 FROM temp.decision_stage AS now
                      WHERE now.stage = ? AND now.provider_id = reported_decision.provider_id AND now.token_id = reported_decision.token_id)
                    """, arguments: [JSONColumn.encode(providers.sorted()), stage.id])
            return RememberedDecisions(fresh: fresh, pending: max(0, total - first.count), escalating: escalating)
        }
    }

    /// Drops a stage's decisions without remembering them (`rememberDecisions` does it too).
    public func discard(_ stage: DecisionStage) {
        try? writer.writeWithoutTransaction { db in
            try Self.createStage(db)
            try db.execute(sql: "DELETE FROM temp.decision_stage WHERE stage = ?", arguments: [stage.id])
        }
    }

    /// The temporary table of staged decisions: per connection, kept in SQLite's temporary database
    /// (a file, paged through the usual small cache), never in the WAL.
    private static func createStage(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TEMP TABLE IF NOT EXISTS decision_stage (
                  stage INTEGER NOT NULL, provider_id TEXT NOT NULL, token_id TEXT NOT NULL, facts TEXT NOT NULL,
                  notice_expires_at INTEGER, notice_stage INTEGER, keep_prefix TEXT,
                  PRIMARY KEY (stage, provider_id, token_id)) WITHOUT ROWID
                """)
    }

    private static func stageInsert(_ db: Database) throws -> Statement {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO temp.decision_stage VALUES (?, ?, ?, ?, ?, ?, ?)")
    }

    private static func insert(_ memo: DecisionMemo, into stage: DecisionStage, using statement: Statement) throws {
        try statement.execute(arguments: [
            stage.id, memo.provider, memo.tokenID, memo.facts, memo.notice?.expiresAt, memo.notice?.stage, memo.keepIfRemembered,
        ])
    }

    /// `provider/id` → (provider, id); provider ids never contain "/" (the config refuses it), token ids may.
    static func split(_ reference: String) -> (provider: String, id: String) {
        guard let slash = reference.firstIndex(of: "/") else { return (reference, "") }
        return (String(reference[..<slash]), String(reference[reference.index(after: slash)...]))
    }
}
