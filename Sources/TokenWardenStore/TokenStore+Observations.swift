import Foundation
import GRDB
import TokenWardenCore

/// A listing's pages as they are recorded: new, changed, unchanged and returning tokens.
extension TokenStore {
    /// Records listed tokens (a page, or several) in one transaction: new tokens are discovered and
    /// changed facts become history events. An unchanged token is found by its stored
    /// `facts_digest` and state and is not written at all. Every token goes into `sightings`, the
    /// current listing's, once the transaction committed.
    @discardableResult
    public func recordObservations(
        _ page: [ObservedToken], provider: String, at now: Date, sightings: ListingSightings? = nil
    ) throws -> ObservationSummary {
        let (summary, rowIDs) = try writer.write { db in try recordObservations(db, page, provider: provider, at: now) }
        sightings?.insert(rowIDs)
        return summary
    }

    /// `recordObservations` for async callers: the transaction runs on GRDB's writer queue and the
    /// task waits without holding one of Swift's few concurrency threads, which the listing's
    /// requests need meanwhile (with the client held to one core, holding one made a 100k-token
    /// sync take 4.2 s instead of 2.95 s).
    @discardableResult
    public func recordObservations(
        _ page: [ObservedToken], provider: String, at now: Date, sightings: ListingSightings? = nil
    ) async throws -> ObservationSummary {
        let (summary, rowIDs) = try await writer.write { db in try recordObservations(db, page, provider: provider, at: now) }
        sightings?.insert(rowIDs)
        return summary
    }

    /// The summary, and the row ids of every listed token.
    private func recordObservations(
        _ db: Database, _ page: [ObservedToken], provider: String, at now: Date
    ) throws -> (ObservationSummary, [Int64]) {
        let ids = JSONColumn.encode(page.map(\.id))
        var rowIDs: [Int64] = []
        rowIDs.reserveCapacity(page.count)
        let pending = try changedOrNew(db, page, ids: ids, provider: provider, at: now, rowIDs: &rowIDs)
        var summary = ObservationSummary()
        summary.seen = page.count
        guard !pending.isEmpty else { return (summary, rowIDs) }
        var known = try tokens(db, provider: provider, ids: pending.map { page[$0].id })
        var insert = DirectStatement(try db.cachedStatement(sql: TokenRecord.insertSQL))
        // The batch's history rows, in listing order, each `[token id, kind, detail]` as JSON.
        var events: [String] = []
        for observed in pending.lazy.map({ page[$0] }) {
            guard var token = known[observed.id] else {
                let token = Token(provider: provider, observed: observed, seenAt: now)
                try TokenRecord(token, listingDigest: observed.listingDigest).insert(using: &insert)
                rowIDs.append(db.lastInsertedRowID)
                // No history row: the discovery is the row's `first_seen_at` (`history` reads it there).
                known[observed.id] = token
                summary.discovered += 1
                summary.note(TokenChange(tokenID: observed.id, tokenName: token.name, kind: .discovered))
                continue
            }
            let wasGone = token.state == .gone
            let changes = token.absorb(observed, seenAt: now)
            known[observed.id] = token
            // Also when unchanged: a row stored before digests were kept gets its digest this once.
            try TokenRecord(token, listingDigest: observed.listingDigest).update(db)
            guard wasGone || !changes.isEmpty else { continue }
            let detail = changes.map(\.description).joined(separator: "; ")
            events.append(JSONColumn.encode([observed.id, (wasGone ? TokenEventKind.reappeared : .changed).rawValue, detail]))
            if wasGone { summary.reappeared += 1 } else { summary.changed += 1 }
            summary.note(TokenChange(tokenID: observed.id, tokenName: token.name, kind: wasGone ? .reappeared : .changed, detail: detail))
        }
        // One statement for the batch's history: SQLite ends each statement by saving the
        // AUTOINCREMENT counter and checking it (`sqlite3VdbeHalt`), and one insert per row with its
        // five bindings made history a fifth of a first Planning Center sync's CPU (perf).
        if !events.isEmpty {
            try db.cachedStatement(
                sql: """
                    INSERT INTO token_event (provider_id, token_id, occurred_at, kind, detail)
                    SELECT ?, value ->> 0, ?, value ->> 1, value ->> 2 FROM json_each(?)
                    """
            ).execute(arguments: [provider, now.millisecondsSince1970, "[" + events.joined(separator: ",") + "]"])
        }
        return (summary, rowIDs)
    }

    /// The positions in `page` of the tokens that need a write: new ones, and known ones whose facts
    /// digest or state differs from the stored row (a gone token's state always does). One query
    /// reads the digest and state of the whole batch, by position in the `ids` array, without
    /// reading any token text; once a token needs a write, its later repeats in the batch do too.
    /// Appends the row id of every known token to `rowIDs`. An unchanged token listed in other
    /// bytes than last time (a field tokenwarden does not keep changed) gets the new listing digest,
    /// so the next re-sync recognises it again.
    private func changedOrNew(
        _ db: Database, _ page: [ObservedToken], ids: String, provider: String, at now: Date, rowIDs: inout [Int64]
    ) throws -> [Int] {
        let lookup = try db.cachedStatement(
            sql: """
                SELECT wanted.key, token.facts_digest, token.state, token.rowid, token.listing_digest FROM json_each(?) AS wanted CROSS JOIN token
                WHERE token.provider_id = ? AND token.token_id = wanted.value
                """)
        var unchanged = [Bool](repeating: false, count: page.count)
        var relisted: [(row: Int64, digest: Int64)] = []
        var rows = DirectStatement(lookup)
        rows.bind(ids)
        rows.bind(provider)
        try rows.forEachRow { row in
            // `wanted.key` is the position SQLite's json_each gave the id in `ids`: within `page`.
            rowIDs.append(row.int64(3))
            let index = Int(row.int64(0))
            guard page.indices.contains(index), !row.isNull(1) else { return }
            let observed = page[index]
            unchanged[index] = row.int64(1) == observed.factsDigest && row.text(2, equals: observed.state(at: now).rawValue)
            if unchanged[index], let digest = observed.listingDigest, row.isNull(4) || row.int64(4) != digest {
                relisted.append((row.int64(3), digest))
            }
        }
        // One statement for the batch, as the history rows: after the migration that added the
        // column, every row of a store comes this way once.
        if !relisted.isEmpty {
            try db.cachedStatement(
                sql: """
                    UPDATE token SET listing_digest = relisted.value ->> 1 FROM json_each(?) AS relisted
                    WHERE token.rowid = relisted.value ->> 0
                    """
            ).execute(arguments: ["[" + relisted.map { "[\($0.row),\($0.digest)]" }.joined(separator: ",") + "]"])
        }
        var pending: [Int] = []
        var written: Set<String> = []
        for index in page.indices where !unchanged[index] || (!written.isEmpty && written.contains(page[index].id)) {
            pending.append(index)
            written.insert(page[index].id)
        }
        return pending
    }

    /// The stored tokens of `provider` among `ids`, by id, in one query: the ids go in as one JSON
    /// array and SQLite looks each up by primary key (`CROSS JOIN` keeps that order; without it
    /// SQLite scanned the provider's tokens instead). A 500-parameter `IN (…)` list was parsed anew
    /// per chunk and sorted into a temporary index (about 11k instructions per token), and one
    /// query per id spent most of its time starting a cursor.
    func tokens(_ db: Database, provider: String, ids: [String]) throws -> [String: Token] {
        let lookup = try db.cachedStatement(
            sql: """
                SELECT token.* FROM json_each(?) AS wanted CROSS JOIN token
                WHERE token.provider_id = ? AND token.token_id = wanted.value
                """)
        var found: [String: Token] = [:]
        found.reserveCapacity(ids.count)
        let records = try TokenRecord.fetchCursor(lookup, arguments: [JSONColumn.encode(ids), provider])
        while let record = try records.next() { found[record.token.id] = record.token }
        return found
    }
}
