import Foundation
import GRDB

extension TokenStore {
    /// Remembers the decision of each token (`facts` as `Decision.factsKey` plus how it was handled) and
    /// returns the references (`provider/id`) whose decision is new or changed since it was last reported.
    /// Tokens of `providers` with no decision any more are forgotten, so a later threshold crossing is
    /// reported again; other providers' memories are left alone.
    /// At most `limit` new or changed decisions are remembered (and returned), the first by reference;
    /// the rest stay unremembered, to be reported by a later call, and are counted in `pending`.
    public func rememberDecisions(
        _ facts: [String: String], providers: Set<String>, at now: Date,
        limit: Int = .max
    ) throws -> RememberedDecisions {
        try writer.write { db in
            var previous: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT provider_id, token_id, facts FROM reported_decision")
            where providers.contains(row["provider_id"]) {
                previous["\(row["provider_id"] as String)/\(row["token_id"] as String)"] = row["facts"]
            }
            let changed = facts.keys.filter { previous[$0] != facts[$0] }.sorted()
            let upsert = try db.makeStatement(
                sql: """
                    INSERT INTO reported_decision (provider_id, token_id, facts, reported_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (provider_id, token_id) DO UPDATE SET facts = excluded.facts, reported_at = excluded.reported_at
                    """)
            for reference in changed.prefix(limit) {
                let (provider, id) = Self.split(reference)
                try upsert.execute(arguments: [provider, id, facts[reference], now.millisecondsSince1970])
            }
            let forget = try db.makeStatement(sql: "DELETE FROM reported_decision WHERE provider_id = ? AND token_id = ?")
            for reference in previous.keys where facts[reference] == nil {
                let (provider, id) = Self.split(reference)
                try forget.execute(arguments: [provider, id])
            }
            return RememberedDecisions(fresh: Set(changed.prefix(limit)), pending: max(0, changed.count - limit))
        }
    }

    /// `provider/id` → (provider, id); provider ids never contain "/" (the config refuses it), token ids may.
    static func split(_ reference: String) -> (provider: String, id: String) {
        guard let slash = reference.firstIndex(of: "/") else { return (reference, "") }
        return (String(reference[..<slash]), String(reference[reference.index(after: slash)...]))
    }
}
