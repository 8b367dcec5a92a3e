import Foundation
import GRDB

extension TokenStore {
    /// Remembers the decision of each token (`facts` as `Decision.factsKey` plus how it was handled) and
    /// returns the references (`provider/id`) whose decision is new or changed since it was last reported.
    /// Tokens of `providers` with no decision any more are forgotten, so a later threshold crossing is
    /// reported again; other providers' memories are left alone.
    /// At most `limit` new or changed decisions are remembered (and returned), the first by reference;
    /// the rest stay unremembered, to be reported by a later call, and are counted in `pending`.
    ///
    /// `notices` are the notify decisions among them (the token's expiry and the notice's stage, see
    /// `Decision.noticeStage`): a fresh notice about the same expiry as the one remembered, at a later
    /// stage, is returned in `escalating`: the notice before it went unanswered.
    public func rememberDecisions(
        _ facts: [String: String], notices: [String: RememberedDecisions.Notice] = [:], providers: Set<String>, at now: Date,
        limit: Int = .max
    ) throws -> RememberedDecisions {
        try writer.write { db in
            var previous: [String: String] = [:]
            var noticed: [String: RememberedDecisions.Notice] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT provider_id, token_id, facts, notice_expires_at, notice_stage FROM reported_decision")
            where providers.contains(row["provider_id"]) {
                let reference = "\(row["provider_id"] as String)/\(row["token_id"] as String)"
                previous[reference] = row["facts"]
                if let expires = row["notice_expires_at"] as Int64?, let stage = row["notice_stage"] as Int64? {
                    noticed[reference] = RememberedDecisions.Notice(expiresAt: expires, stage: stage)
                }
            }
            let changed = facts.keys.filter { previous[$0] != facts[$0] }.sorted()
            let upsert = try db.makeStatement(
                sql: """
                    INSERT INTO reported_decision (provider_id, token_id, facts, reported_at, notice_expires_at, notice_stage)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (provider_id, token_id) DO UPDATE SET facts = excluded.facts, reported_at = excluded.reported_at,
                      notice_expires_at = excluded.notice_expires_at, notice_stage = excluded.notice_stage
                    """)
            var escalating: Set<String> = []
            for reference in changed.prefix(limit) {
                let (provider, id) = Self.split(reference)
                let notice = notices[reference]
                if let notice, let before = noticed[reference], before.expiresAt == notice.expiresAt, notice.stage < before.stage {
                    escalating.insert(reference)
                }
                try upsert.execute(arguments: [provider, id, facts[reference], now.millisecondsSince1970, notice?.expiresAt, notice?.stage])
            }
            let forget = try db.makeStatement(sql: "DELETE FROM reported_decision WHERE provider_id = ? AND token_id = ?")
            for reference in previous.keys where facts[reference] == nil {
                let (provider, id) = Self.split(reference)
                try forget.execute(arguments: [provider, id])
            }
            return RememberedDecisions(fresh: Set(changed.prefix(limit)), pending: max(0, changed.count - limit), escalating: escalating)
        }
    }

    /// `provider/id` → (provider, id); provider ids never contain "/" (the config refuses it), token ids may.
    static func split(_ reference: String) -> (provider: String, id: String) {
        guard let slash = reference.firstIndex(of: "/") else { return (reference, "") }
        return (String(reference[..<slash]), String(reference[reference.index(after: slash)...]))
    }
}
