import Foundation
import GRDB
import TokenWardenCore

extension TokenStore {
    /// The counts the metrics are made of, in one read: one pass over an index and a few small
    /// grouped reads, so the cost is SQLite's, not one Swift value per token (the per-token series
    /// are bounded by `limit`).
    public func inventoryMetrics(
        at now: Date, expiringDays: [Int], unusedDays: [Int], horizon: TimeInterval, limit: Int
    ) throws -> InventoryMetrics {
        let nowMS = now.millisecondsSince1970
        let day: Int64 = 86_400_000
        return try writer.read { db in
            var providers: [String: InventoryMetrics.Provider] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT id, last_succeeded_at, last_poll_started_at, last_poll_finished_at, poll_failures_total FROM provider ORDER BY id")
            {
                var provider = InventoryMetrics.Provider(id: row[0])
                provider.lastSucceededAt = (row[1] as Int64?).map(Date.init(millisecondsSince1970:))
                if let started = row[2] as Int64?, let finished = row[3] as Int64?, finished >= started {
                    provider.lastPollSeconds = Double(finished - started) / 1_000
                }
                provider.pollFailuresTotal = row[4]
                providers[provider.id] = provider
            }
            // States and unused spans in one pass over the covering index `token_census` (it is
            // ordered by provider and state: no sort); expiring spans through the expiry index.
            let unused = unusedDays.map { "sum(coalesce(last_used_at, created_at) <= \(nowMS - Int64($0) * day))" }
            for row in try Row.fetchAll(
                db, sql: "SELECT \((["provider_id", "state", "count(*)"] + unused).joined(separator: ", ")) FROM token GROUP BY provider_id, state")
            {
                guard let state = TokenState(rawValue: row[1]) else { continue }
                var provider = providers[row[0]] ?? InventoryMetrics.Provider(id: row[0])
                provider.tokensByState[state] = row[2]
                if state == .active {
                    for (index, days) in unusedDays.enumerated() { provider.unusedFor[days] = row[index + 3] }
                }
                providers[provider.id] = provider
            }
            if let longest = expiringDays.max() {
                let sums = expiringDays.map { "sum(expires_at <= \(nowMS + Int64($0) * day))" }.joined(separator: ", ")
                for row in try Row.fetchAll(
                    db,
                    sql: "SELECT provider_id, \(sums) FROM token WHERE state = 'active' AND expires_at > ? AND expires_at <= ? GROUP BY provider_id",
                    arguments: [nowMS, nowMS + Int64(longest) * day])
                {
                    for (index, days) in expiringDays.enumerated() {
                        providers[row[0], default: InventoryMetrics.Provider(id: row[0])].expiringWithin[days] = row[index + 1]
                    }
                }
            }
            var actions: [InventoryMetrics.ActionKey: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT action, outcome, count(*) FROM action WHERE mode NOT IN ('report', 'admin') GROUP BY action, outcome")
            {
                actions[InventoryMetrics.ActionKey(action: row[0], outcome: row[1])] = row[2]
            }
            let rotationsFailed = try Int.fetchOne(db, sql: "SELECT count(*) FROM rotation WHERE state = 'failed'") ?? 0
            let switchOvers = try Row.fetchOne(
                db,
                sql: """
                    SELECT count(*), count(stalled_at) FROM rotation WHERE state = 'delivered' AND revoke_old = 'when-successor-used'
                    """)
            var outbox: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, count(*) FROM notification GROUP BY state") { outbox[row[0]] = row[1] }
            let margin = Int64(horizon * 1_000)
            var listings = try ListingTimes(db)
            let near = try TokenRecord.fetchAll(
                db,
                sql: """
                    SELECT * FROM token WHERE state IN ('active', 'expired') AND expires_at BETWEEN ? AND ?
                    ORDER BY expires_at, provider_id, token_id LIMIT ?
                    """,
                arguments: [nowMS - margin, nowMS + margin, limit + 1]
            ).map { listings.seen($0.token) }
            var metrics = InventoryMetrics(
                providers: providers.values.sorted { $0.id < $1.id }, actions: actions, rotationsFailed: rotationsFailed,
                outboxPending: outbox["pending"] ?? 0, outboxUndeliverable: outbox["undeliverable"] ?? 0,
                nearExpiry: Array(near.prefix(limit)), nearExpiryTruncated: near.count > limit)
            metrics.awaitingSwitchOver = switchOvers?[0] ?? 0
            metrics.stalledSwitchOvers = switchOvers?[1] ?? 0
            return metrics
        }
    }
}
