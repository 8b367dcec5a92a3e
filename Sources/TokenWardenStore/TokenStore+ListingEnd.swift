import Foundation
import GRDB
import TokenWardenCore

/// The end of a complete listing: the tokens it did not list become gone, or, after a sudden drop, wait for the next.
extension TokenStore {
    /// The row ids of `provider`'s tokens not gone that `sightings` lacks, among those not written
    /// since the listing started (a token another command recorded meanwhile was seen by it). Every
    /// sighted token is stored and not gone once recorded, so when the counts match none is missing
    /// and the provider's rows are not read (`count(*)` reads one index).
    static func unseen(_ db: Database, provider: String, sightings: ListingSightings, listingStartedAt: Date) throws -> [Int64] {
        let stored = try Int.fetchOne(db, sql: "SELECT count(*) FROM token WHERE provider_id = ? AND state <> 'gone'", arguments: [provider]) ?? 0
        guard stored != sightings.count else { return [] }
        var missing: [Int64] = []
        let rows = try Int64.fetchCursor(
            db, sql: "SELECT rowid FROM token WHERE provider_id = ? AND state <> 'gone' AND last_seen_at < ?",
            arguments: [provider, listingStartedAt.millisecondsSince1970])
        while let rowID = try rows.next() {
            if !sightings.contains(rowID) { missing.append(rowID) }
        }
        return missing
    }

    /// Ends a listing that completed: every token of `provider` it did not see is `gone` (last seen
    /// at the provider's previous complete listing, if later than its own last sighting), and the
    /// rest are seen as of `listingStartedAt`. Never call this after a listing that failed part-way
    /// (see `keepSightings`). Returns the history entries written.
    @discardableResult
    public func markUnseenTokensGone(
        provider: String, sightings: ListingSightings, listingStartedAt: Date, at now: Date
    ) throws -> [TokenChange] {
        try writer.write { db in
            let previous = try Int64.fetchOne(db, sql: "SELECT listed_at FROM provider WHERE id = ?", arguments: [provider]) ?? nil
            let unseen = try Self.unseen(db, provider: provider, sightings: sightings, listingStartedAt: listingStartedAt)
            let missing =
                unseen.isEmpty
                ? []
                : try TokenRecord.fetchAll(
                    db, sql: "SELECT * FROM token WHERE rowid IN (SELECT value FROM json_each(?)) ORDER BY rowid",
                    arguments: [JSONColumn.encode(rowIDs: unseen)])
            var gone: [TokenChange] = []
            for var record in missing {
                let change = TokenChange(
                    tokenID: record.token.id, tokenName: record.token.name, kind: .disappeared,
                    detail: "state \(record.token.state.rawValue) → gone")
                record.token.state = .gone
                if let previous { record.token.lastSeenAt = max(record.token.lastSeenAt, Date(millisecondsSince1970: previous)) }
                try record.update(db)
                try insertEvent(db, provider: provider, tokenID: change.tokenID, kind: .disappeared, at: now, detail: change.detail)
                gone.append(change)
            }
            try db.execute(
                sql: "UPDATE provider SET listed_at = ? WHERE id = ?", arguments: [listingStartedAt.millisecondsSince1970, provider])
            return gone
        }
    }

    /// Ends a listing whose missing tokens are not marked gone (it failed part-way, or it shrank
    /// suspiciously): the tokens it saw are written as seen at `listingStartedAt`, row by row, since
    /// the provider's `listed_at` cannot move for them alone.
    public func keepSightings(provider: String, sightings: ListingSightings, listingStartedAt: Date) throws {
        let rowIDs = sightings.rowIDs
        try writer.write { db in
            let update = try db.cachedStatement(
                sql: """
                    UPDATE token SET last_seen_at = max(last_seen_at, ?)
                    WHERE rowid IN (SELECT value FROM json_each(?)) AND provider_id = ?
                    """)
            for start in stride(from: 0, to: rowIDs.count, by: 10_000) {
                let chunk = rowIDs[start..<min(start + 10_000, rowIDs.count)]
                try update.execute(arguments: [listingStartedAt.millisecondsSince1970, JSONColumn.encode(rowIDs: chunk), provider])
            }
        }
    }
}
