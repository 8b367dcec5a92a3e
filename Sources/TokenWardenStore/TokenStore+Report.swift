import Foundation
import GRDB
import TokenWardenCore

extension TokenStore {
    /// The counts and timeline of `tokenwarden report`, in one read of grouped scans.
    /// `lastUse`: the providers that report last use (never used and stale count only there).
    public func inventoryReport(
        at now: Date, lastUse: Set<String>, staleAfter: TimeInterval, expiringWithin: TimeInterval, rotatedWithin: TimeInterval,
        timeline: TimeInterval, markLimit: Int
    ) throws -> InventoryReport {
        let nowMS = now.millisecondsSince1970
        let lastUseList =
            lastUse.isEmpty ? "NULL" : lastUse.sorted().map { "'\($0.replacingOccurrences(of: "'", with: "''"))'" }.joined(separator: ", ")
        let staleBefore = nowMS - Int64(staleAfter * 1_000)
        let expiringBefore = nowMS + Int64(expiringWithin * 1_000)
        return try writer.read { db in
            func rows(_ column: String) throws -> [InventoryReport.Row] {
                var found: [String: InventoryReport.Row] = [:]
                for row in try Row.fetchAll(
                    db,
                    sql: """
                        SELECT coalesce(\(column), '(no owner)'), count(*),
                               sum(provider_id IN (\(lastUseList)) AND last_used_at IS NULL),
                               sum(provider_id IN (\(lastUseList)) AND coalesce(last_used_at, created_at) <= ?),
                               sum(expires_at > ? AND expires_at <= ?)
                        FROM token WHERE state = 'active' GROUP BY 1
                        """, arguments: [staleBefore, nowMS, expiringBefore])
                {
                    var entry = InventoryReport.Row(key: row[0])
                    (entry.tokens, entry.neverUsed, entry.stale, entry.expiring) = (row[1], row[2] ?? 0, row[3] ?? 0, row[4] ?? 0)
                    found[entry.key] = entry
                }
                for row in try Row.fetchAll(
                    db,
                    sql: """
                        SELECT coalesce(t.\(column), '(no owner)'), count(*) FROM rotation x JOIN token t USING (provider_id, token_id)
                        WHERE x.state = 'done' AND x.updated_at >= ? GROUP BY 1
                        """, arguments: [nowMS - Int64(rotatedWithin * 1_000)])
                {
                    found[row[0], default: InventoryReport.Row(key: row[0])].rotated = row[1]
                }
                return found.values.sorted { $0.key < $1.key }
            }
            let byProvider = try rows("provider_id")
            let byOwner = try rows("owner")
            let end = nowMS + Int64(timeline * 1_000)
            let marks = try Row.fetchAll(
                db,
                sql: """
                    SELECT provider_id, token_id, name, expires_at FROM token
                    WHERE state = 'active' AND expires_at > ? AND expires_at <= ? ORDER BY expires_at, provider_id, token_id LIMIT ?
                    """, arguments: [nowMS, end, markLimit + 1]
            ).map { InventoryReport.Mark(provider: $0[0], tokenID: $0[1], name: $0[2], expiresAt: Date(millisecondsSince1970: $0[3])) }
            guard marks.count > markLimit else { return InventoryReport(byProvider: byProvider, byOwner: byOwner, marks: marks, dayCounts: [:]) }
            var days: [String: [Int: Int]] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT provider_id, (expires_at - ?) / 86400000, count(*) FROM token
                    WHERE state = 'active' AND expires_at > ? AND expires_at <= ? GROUP BY 1, 2
                    """, arguments: [nowMS, nowMS, end])
            {
                days[row[0], default: [:]][row[1]] = row[2]
            }
            return InventoryReport(byProvider: byProvider, byOwner: byOwner, marks: [], dayCounts: days)
        }
    }
}
