import Foundation
import GRDB
import TokenWardenCore

extension TokenStore {
    /// Records a rotation as `planned`, with its audit entry and the name its successor will be asked
    /// for (`successorName(for:kind:at:)`), before anything is asked of the provider.
    /// Throws `StoreError.rotationInProgress` when the token already has an unfinished rotation.
    public func beginRotation(
        of token: Token, rule: String?, mode: ActionMode, delivery: Delivery, overlap: TimeSpan,
        reason: String, successorName: String, switchOver: SwitchOver = .afterOverlap, actorUID: UInt32? = nil, at now: Date
    ) throws -> RotationRecord {
        do {
            return try writer.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO action (provider_id, token_id, occurred_at, rule, action, mode, outcome, reason, actor_uid)
                        VALUES (?, ?, ?, ?, 'rotate', ?, 'planned', ?, ?)
                        """,
                    arguments: [token.provider, token.id, now.millisecondsSince1970, rule, mode.rawValue, reason, actorUID.map { Int64($0) }])
                let actionID = db.lastInsertedRowID
                try db.execute(
                    sql: """
                        INSERT INTO rotation (provider_id, token_id, rule, state, delivery, overlap_seconds, started_at, updated_at, action_id, mode,
                                              new_token_name, revoke_old, switch_over_deadline_seconds)
                        VALUES (?, ?, ?, 'planned', ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        token.provider, token.id, rule, try JSONColumn.encode(delivery), overlap.seconds,
                        now.millisecondsSince1970, now.millisecondsSince1970, actionID, mode.rawValue, successorName,
                        switchOver.key, Self.deadlineSeconds(of: switchOver),
                    ])
                let id = db.lastInsertedRowID
                try insertStep(db, rotation: id, state: .planned, at: now, detail: "deliver to \(delivery), overlap \(overlap)")
                return try fetchRotation(db, id: id)!
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StoreError.rotationInProgress(reference: token.reference)
        }
    }

    /// Moves a rotation to its next state in one transaction with its step record; the rotator calls
    /// this before its next external call. A finished rotation also settles its audit entry, and a
    /// created successor gets its lineage (`recordLineage`).
    @discardableResult
    public func advanceRotation(
        _ id: Int64, to state: RotationState, at now: Date, detail: String,
        newTokenID: String? = nil, fingerprint: String? = nil, revokeOldAfter: Date? = nil,
        failure: String? = nil, interrupted: Bool = false
    ) throws -> RotationRecord {
        try writer.write { db in
            try db.execute(
                sql: """
                    UPDATE rotation SET state = ?, updated_at = ?,
                      new_token_id = COALESCE(?, new_token_id), new_secret_fingerprint = COALESCE(?, new_secret_fingerprint),
                      revoke_old_after = COALESCE(?, revoke_old_after), failure = ?, interrupted = interrupted OR ?
                    WHERE id = ?
                    """,
                arguments: [
                    state.rawValue, now.millisecondsSince1970, newTokenID, fingerprint,
                    revokeOldAfter?.millisecondsSince1970, failure, interrupted, id,
                ])
            try insertStep(db, rotation: id, state: state, at: now, detail: detail)
            let record = try fetchRotation(db, id: id)!
            if state == .created, let newTokenID { try recordLineage(db, successor: newTokenID, of: record) }
            if state.isFinished, let actionID = record.actionID {
                try db.execute(
                    sql: "UPDATE action SET outcome = ?, error = ? WHERE id = ?",
                    arguments: [state == .done ? ActionOutcome.succeeded.rawValue : ActionOutcome.failed.rawValue, failure, actionID])
            }
            return record
        }
    }

    /// Commits that the create request is about to go out: from here on a crash leaves a create
    /// whose outcome is unknown, which is not concluded until it can no longer land.
    public func markCreateSent(_ id: Int64, at now: Date) throws {
        try writer.write { db in
            try db.execute(
                sql: "UPDATE rotation SET create_sent_at = ?, updated_at = ? WHERE id = ?",
                arguments: [now.millisecondsSince1970, now.millisecondsSince1970, id])
        }
    }

    /// Notes why an unfinished rotation cannot move on yet (the provider is down), keeping its state.
    public func noteRotationDelay(_ id: Int64, at now: Date, reason: String) throws {
        try writer.write { db in
            try db.execute(sql: "UPDATE rotation SET failure = ?, updated_at = ? WHERE id = ?", arguments: [reason, now.millisecondsSince1970, id])
        }
    }

    /// The successor of a rotation waiting for its first use was still unused at the deadline: noted
    /// once, with a step, and the rotation goes on waiting (the old token stays valid).
    public func markSwitchOverStalled(_ id: Int64, at now: Date, reason: String) throws {
        try writer.write { db in
            try db.execute(
                sql: "UPDATE rotation SET stalled_at = ?, failure = ?, updated_at = ? WHERE id = ? AND stalled_at IS NULL",
                arguments: [now.millisecondsSince1970, reason, now.millisecondsSince1970, id])
            try insertStep(db, rotation: id, state: .delivered, at: now, detail: "switch-over stalled: \(reason)")
        }
    }

    static func deadlineSeconds(of switchOver: SwitchOver) -> Int64? {
        if case .whenSuccessorUsed(let deadline) = switchOver { return deadline.seconds }
        return nil
    }

    /// Every rotation that is neither done nor failed, oldest first: what start-up and each cycle resume.
    public func unfinishedRotations() throws -> [RotationRecord] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM rotation WHERE state NOT IN ('done', 'failed') ORDER BY id").map(Self.rotation)
        }
    }

    public func rotation(id: Int64) throws -> RotationRecord? {
        try writer.read { db in try fetchRotation(db, id: id) }
    }

    /// When each token's latest rotation failed, for tokens whose latest rotation failed at or after
    /// `since` because of the provider's answer: one concluded because tokenwarden itself stopped
    /// (`interrupted`) is tried again at once.
    public func recentlyFailedRotations(since: Date) throws -> [String: Date] {
        try writer.read { db in
            var failed: [String: Date] = [:]
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT provider_id, token_id, state, updated_at FROM rotation r
                    WHERE id = (SELECT MAX(id) FROM rotation WHERE provider_id = r.provider_id AND token_id = r.token_id)
                      AND state = 'failed' AND NOT interrupted AND updated_at >= ?
                    """, arguments: [since.millisecondsSince1970])
            for row in rows {
                failed["\(row["provider_id"] as String)/\(row["token_id"] as String)"] = Date(millisecondsSince1970: row["updated_at"])
            }
            return failed
        }
    }

    /// The rotations of one token, oldest first.
    public func rotations(provider: String, tokenID: String) throws -> [RotationRecord] {
        try writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM rotation WHERE provider_id = ? AND token_id = ? ORDER BY id",
                arguments: [provider, tokenID]
            ).map(Self.rotation)
        }
    }

    /// Whether a token of the provider was already in the inventory before `instant`: the rotator
    /// never takes such a token for one it created itself.
    public func tokenKnownBefore(_ instant: Date, provider: String, tokenID: String) throws -> Bool {
        try writer.read { db in
            try Bool.fetchOne(
                db, sql: "SELECT first_seen_at < ? FROM token WHERE provider_id = ? AND token_id = ?",
                arguments: [instant.millisecondsSince1970, provider, tokenID]) ?? false
        }
    }

    /// The name `token`'s successor is asked for: its lineage's name with today's marker, different
    /// from every live token of the provider that starts with that name (a SailPoint owner may hold
    /// no two of one name), within the provider's length limit.
    public func successorName(for token: Token, kind: ProviderKind, at now: Date) throws -> String {
        let base = token.lineageName
        let taken = try writer.read { db in
            // The name index's range: every name that starts with `base`; and the names rotations in
            // flight asked for, whose tokens may not be listed yet.
            try String.fetchSet(
                db, sql: "SELECT name FROM token WHERE provider_id = ? AND state = 'active' AND name >= ? AND name < ? || char(1114111)",
                arguments: [token.provider, base, base]
            )
            .union(
                String.fetchAll(
                    db,
                    sql: """
                        SELECT new_token_name FROM rotation WHERE provider_id = ? AND state NOT IN ('done', 'failed')
                          AND new_token_name IS NOT NULL
                        """, arguments: [token.provider]))
        }
        return SuccessorName.make(base: base, on: now, maxLength: kind.maxTokenNameLength, taken: taken.union([token.name]))
    }

    /// Which token a created successor replaced and the name its lineage goes by: kept apart until
    /// the successor is listed, and on its row from then on (`applyLineage`).
    private func recordLineage(_ db: Database, successor: String, of record: RotationRecord) throws {
        guard let old = try TokenRecord.fetchOne(db, key: ["provider_id": record.provider, "token_id": record.tokenID])?.token else { return }
        try db.execute(
            sql: "INSERT OR REPLACE INTO token_lineage (provider_id, token_id, successor_of, base_name, rotation_id) VALUES (?, ?, ?, ?, ?)",
            arguments: [record.provider, successor, record.tokenID, old.lineageName, record.id])
        try applyLineage(db, provider: record.provider)
    }

    /// The ids of the tokens rotations created and delivered to replace `tokenID`, oldest first (an
    /// undelivered successor was revoked and replaced nothing).
    public func successors(provider: String, of tokenID: String) throws -> [String] {
        try writer.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT lineage.token_id FROM token_lineage AS lineage JOIN rotation ON rotation.id = lineage.rotation_id
                    WHERE lineage.provider_id = ? AND lineage.successor_of = ? AND rotation.state IN ('delivered', 'old_revoked', 'done')
                    ORDER BY lineage.rotation_id
                    """,
                arguments: [provider, tokenID])
        }
    }

    /// Copies recorded lineage onto the rows of successors the provider has listed since.
    func applyLineage(_ db: Database, provider: String) throws {
        try db.execute(
            sql: """
                UPDATE token SET base_name = lineage.base_name, successor_of = lineage.successor_of
                FROM token_lineage AS lineage
                WHERE lineage.provider_id = ? AND token.provider_id = lineage.provider_id AND token.token_id = lineage.token_id
                  AND token.successor_of IS NULL
                """, arguments: [provider])
    }

    private func insertStep(_ db: Database, rotation: Int64, state: RotationState, at now: Date, detail: String) throws {
        try db.execute(
            sql: "INSERT INTO rotation_step (rotation_id, occurred_at, state, detail) VALUES (?, ?, ?, ?)",
            arguments: [rotation, now.millisecondsSince1970, state.rawValue, detail])
    }

    private func fetchRotation(_ db: Database, id: Int64) throws -> RotationRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM rotation WHERE id = ?", arguments: [id]).map(Self.rotation)
    }

    private static func rotation(_ row: Row) throws -> RotationRecord {
        RotationRecord(
            id: row["id"], provider: row["provider_id"], tokenID: row["token_id"], rule: row["rule"],
            mode: ActionMode(rawValue: row["mode"]) ?? .enforce,
            state: RotationState(rawValue: row["state"]) ?? .failed, newTokenID: row["new_token_id"], newTokenName: row["new_token_name"],
            newSecretFingerprint: row["new_secret_fingerprint"],
            delivery: try JSONColumn.decode(Delivery.self, from: row["delivery"]),
            overlap: TimeSpan(seconds: row["overlap_seconds"]),
            revokeOldAfter: (row["revoke_old_after"] as Int64?).map(Date.init(millisecondsSince1970:)),
            startedAt: Date(millisecondsSince1970: row["started_at"]),
            createSentAt: (row["create_sent_at"] as Int64?).map(Date.init(millisecondsSince1970:)),
            updatedAt: Date(millisecondsSince1970: row["updated_at"]), failure: row["failure"], actionID: row["action_id"],
            interrupted: row["interrupted"],
            switchOver: (row["revoke_old"] as String?) == "when-successor-used"
                ? .whenSuccessorUsed(deadline: TimeSpan(seconds: row["switch_over_deadline_seconds"] ?? SwitchOver.defaultDeadline.seconds))
                : .afterOverlap,
            stalledAt: (row["stalled_at"] as Int64?).map(Date.init(millisecondsSince1970:)))
    }
}
