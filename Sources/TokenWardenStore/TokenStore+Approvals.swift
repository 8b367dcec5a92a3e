import Foundation
import GRDB
import TokenWardenCore

/// Approvals of rules with `approve = true`: asked for by a cycle, given or refused by a person
/// (`tokenwarden approve`, `deny`), lapsed when the facts change, expired when nobody acted.
/// Each row is one request; who decided it and why are kept on it, and in the token's history.
extension TokenStore {
    /// The approvals that still speak for their token at `now` (pending, approved or denied, not
    /// expired), by reference.
    public func openApprovals(at now: Date) throws -> [String: Approval] {
        try writer.read { db in
            // A database the daemon has not migrated yet (read-only commands do not migrate) has none.
            guard try db.tableExists("approval") else { return [:] }
            var open: [String: Approval] = [:]
            for approval in try Self.open(db, at: now) { open[approval.reference] = approval }
            return open
        }
    }

    /// Asks for an approval of `approval`'s decision, valid for `validFor` once given; false when
    /// one for the same facts is already open. An open one for other facts lapses.
    @discardableResult
    public func requestApproval(_ approval: Approval, validFor: TimeSpan) throws -> Bool {
        try writer.write { db in
            let open = try Self.open(db, at: approval.requestedAt, provider: approval.provider, tokenID: approval.tokenID)
            if open.contains(where: { $0.facts == approval.facts }) { return false }
            try db.execute(
                sql: """
                    UPDATE approval SET state = 'lapsed' WHERE provider_id = ? AND token_id = ? AND state IN ('pending', 'approved', 'denied')
                    """, arguments: [approval.provider, approval.tokenID])
            try db.execute(
                sql: """
                    INSERT INTO approval (provider_id, token_id, rule, action, facts, reason, state, requested_at, expires_at, valid_seconds)
                    VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)
                    """,
                arguments: [
                    approval.provider, approval.tokenID, approval.rule, approval.action.rawValue, approval.facts, approval.reason,
                    approval.requestedAt.millisecondsSince1970, approval.expiresAt.millisecondsSince1970, validFor.seconds,
                ])
            return true
        }
    }

    /// The open approval of a token, if any.
    public func openApproval(provider: String, tokenID: String, at now: Date) throws -> Approval? {
        try writer.read { db in
            guard try db.tableExists("approval") else { return nil }
            return try Self.open(db, at: now, provider: provider, tokenID: tokenID).last
        }
    }

    /// Approves or denies the open approval of a token (`state` `.approved` or `.denied`), the one
    /// with `id` when given (the one the admin was shown): an approval is then valid for as long as
    /// the rule said, from now. Returns it, or nil when it is no longer open. Audited with who and why.
    public func decideApproval(
        provider: String, tokenID: String, id: Int64? = nil, _ state: Approval.State, by: String, byUID: UInt32?, reason: String, at now: Date
    ) throws -> Approval? {
        try writer.write { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: Self.openSQL + " AND provider_id = ? AND token_id = ? AND (? IS NULL OR id = ?) ORDER BY id DESC",
                    arguments: [now.millisecondsSince1970, provider, tokenID, id, id])
            else { return nil }
            let expires = now.addingTimeInterval(TimeInterval(row["valid_seconds"] as Int64))
            try db.execute(
                sql: """
                    UPDATE approval SET state = ?, decided_at = ?, decided_by = ?, decided_by_uid = ?, decision_reason = ?, expires_at = ?
                    WHERE id = ?
                    """,
                arguments: [
                    state.rawValue, now.millisecondsSince1970, by, byUID.map { Int64($0) }, reason, expires.millisecondsSince1970,
                    row["id"] as Int64,
                ])
            var approval = Self.approval(row)
            (approval.state, approval.decidedBy, approval.decisionReason, approval.expiresAt) = (state, by, reason, expires)
            try Self.auditAdmin(
                db, provider: provider, tokenID: tokenID, action: state == .approved ? "approve" : "deny", at: now,
                detail: "\(approval.action.rawValue) by rule \(approval.rule); by \(by): \(reason)", actorUID: byUID)
            return approval
        }
    }

    /// Ends the open approvals whose time ran out by `now`, once, and forgets what was reported of
    /// their tokens' decisions, so the next cycle asks again. Returns them.
    public func takeExpiredApprovals(at now: Date) throws -> [Approval] {
        try writer.write { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM approval WHERE state IN ('pending', 'approved', 'denied') AND expires_at <= ? ORDER BY id",
                arguments: [now.millisecondsSince1970])
            for row in rows {
                try db.execute(sql: "UPDATE approval SET state = 'expired' WHERE id = ?", arguments: [row["id"] as Int64])
                try db.execute(
                    sql: "DELETE FROM reported_decision WHERE provider_id = ? AND token_id = ?",
                    arguments: [row["provider_id"] as String, row["token_id"] as String])
            }
            return rows.map(Self.approval)
        }
    }

    private static let openSQL = "SELECT * FROM approval WHERE state IN ('pending', 'approved', 'denied') AND expires_at > ?"

    private static func open(_ db: Database, at now: Date, provider: String? = nil, tokenID: String? = nil) throws -> [Approval] {
        guard let provider, let tokenID else {
            return try Row.fetchAll(db, sql: openSQL + " ORDER BY id", arguments: [now.millisecondsSince1970]).map(approval)
        }
        return try Row.fetchAll(
            db, sql: openSQL + " AND provider_id = ? AND token_id = ? ORDER BY id", arguments: [now.millisecondsSince1970, provider, tokenID]
        ).map(approval)
    }

    private static func approval(_ row: Row) -> Approval {
        var approval = Approval(
            provider: row["provider_id"], tokenID: row["token_id"], rule: row["rule"], action: RuleAction(rawValue: row["action"]) ?? .revoke,
            facts: row["facts"], reason: row["reason"], state: Approval.State(rawValue: row["state"]) ?? .pending,
            requestedAt: Date(millisecondsSince1970: row["requested_at"]), expiresAt: Date(millisecondsSince1970: row["expires_at"]),
            decidedBy: row["decided_by"], decisionReason: row["decision_reason"])
        approval.id = row["id"]
        return approval
    }
}
