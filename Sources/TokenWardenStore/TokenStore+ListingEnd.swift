import Foundation
import GRDB
import TokenWardenCore

/// The end of a listing, one write: the tokens a complete listing did not list become gone (or,
/// after a sudden drop, wait for the next), the credential's identity and the poll's health are kept.
extension TokenStore {
    /// Ends a listing in one transaction, so no reader sees tokens gone without the poll that
    /// found them gone: after a complete listing, every token of the provider it did not see is
    /// `gone` unless the listing shrank suddenly (`ListingEnd.isSuddenDrop`), and the identity it
    /// learned is kept; after a failure, what it saw is still seen and nothing is gone. Then the
    /// poll's outcome goes on the provider's row, with its run of failures.
    @discardableResult
    public func endListing(_ end: ListingEnd) throws -> ListingEnd.Outcome {
        try writer.write { db in
            var outcome = ListingEnd.Outcome()
            let row = try Row.fetchOne(
                db, sql: "SELECT token_count, last_poll_outcome, consecutive_failures FROM provider WHERE id = ?", arguments: [end.provider])
            // The last successful poll's count: after a failure, `token_count` is what the failed listing saw.
            let previous: Int? = row?["last_poll_outcome"] == "succeeded" ? row?["token_count"] : nil
            outcome.firstListing = previous == nil
            outcome.failedBefore = row?["consecutive_failures"] ?? 0
            if end.error != nil {
                try Self.keepSightings(db, end)
            } else if ListingEnd.isSuddenDrop(from: previous, to: end.seen) {
                outcome.goneHeld = try Self.unseen(db, provider: end.provider, sightings: end.sightings, listingStartedAt: end.startedAt).count
                try Self.keepSightings(db, end)
            } else {
                outcome.gone = try markUnseenTokensGone(db, end)
            }
            if end.error == nil, let identity = end.identity { try Self.recordIdentity(db, identity, provider: end.provider, at: end.finishedAt) }
            outcome.failingTooLongSince = try recordPoll(db, end)
            return outcome
        }
    }

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

    /// Every token of the provider a complete listing did not see becomes `gone` (last seen at the
    /// provider's previous complete listing, if later than its own last sighting), and the rest
    /// are seen as of its start (the provider's `listed_at`). Returns the history entries written.
    private func markUnseenTokensGone(_ db: Database, _ end: ListingEnd) throws -> [TokenChange] {
        let provider = end.provider
        let previous = try Int64.fetchOne(db, sql: "SELECT listed_at FROM provider WHERE id = ?", arguments: [provider]) ?? nil
        let unseen = try Self.unseen(db, provider: provider, sightings: end.sightings, listingStartedAt: end.startedAt)
        let missing =
            unseen.isEmpty
            ? []
            : try TokenRecord.fetchAll(
                db, sql: "SELECT * FROM token WHERE rowid IN (SELECT value FROM json_each(?)) ORDER BY rowid",
                arguments: [JSONColumn.encode(rowIDs: unseen)])
        var gone: [TokenChange] = []
        for var record in missing {
            let change = TokenChange(
                tokenID: record.token.id, tokenName: record.token.name, kind: .disappeared, detail: "state \(record.token.state.rawValue) → gone")
            record.token.state = .gone
            if let previous { record.token.lastSeenAt = max(record.token.lastSeenAt, Date(millisecondsSince1970: previous)) }
            try record.update(db)
            try insertEvent(db, provider: provider, tokenID: change.tokenID, kind: .disappeared, at: end.finishedAt, detail: change.detail)
            gone.append(change)
        }
        try db.execute(sql: "UPDATE provider SET listed_at = ? WHERE id = ?", arguments: [end.startedAt.millisecondsSince1970, provider])
        return gone
    }

    /// The tokens a listing saw whose missing tokens are not marked gone (it failed part-way, or it
    /// shrank suspiciously) are seen as of its start, row by row, since the provider's `listed_at`
    /// cannot move for them alone.
    private static func keepSightings(_ db: Database, _ end: ListingEnd) throws {
        let rowIDs = end.sightings.rowIDs
        let update = try db.cachedStatement(
            sql: """
                UPDATE token SET last_seen_at = max(last_seen_at, ?)
                WHERE rowid IN (SELECT value FROM json_each(?)) AND provider_id = ?
                """)
        for start in stride(from: 0, to: rowIDs.count, by: 10_000) {
            let chunk = rowIDs[start..<min(start + 10_000, rowIDs.count)]
            try update.execute(arguments: [end.startedAt.millisecondsSince1970, JSONColumn.encode(rowIDs: chunk), end.provider])
        }
    }
}
