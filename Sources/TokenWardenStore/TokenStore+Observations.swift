import Foundation
import GRDB
import TokenWardenCore

extension TokenStore {
    /// Creates or refreshes the row of each configured provider (kind and URL may change between runs).
    public func registerProviders(_ providers: [ProviderConfig], at now: Date) throws {
        try writer.write { db in
            for provider in providers {
                try db.execute(
                    sql: """
                        INSERT INTO provider (id, kind, base_url, registered_at) VALUES (?, ?, ?, ?)
                        ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, base_url = excluded.base_url
                        """, arguments: [provider.id, provider.kind.rawValue, provider.baseURL, now.millisecondsSince1970])
            }
        }
    }

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

    /// The row ids of `provider`'s tokens not gone that `sightings` lacks, among those not written
    /// since the listing started (a token another command recorded meanwhile was seen by it). Every
    /// sighted token is stored and not gone once recorded, so when the counts match none is missing
    /// and the provider's rows are not read (`count(*)` reads one index).
    private static func unseen(_ db: Database, provider: String, sightings: ListingSightings, listingStartedAt: Date) throws -> [Int64] {
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

    public func markRevoked(provider: String, tokenID: String, at now: Date, detail: String) throws {
        try writer.write { db in
            guard var record = try TokenRecord.fetchOne(db, key: ["provider_id": provider, "token_id": tokenID]),
                record.token.state != .revoked
            else { return }
            let previous = record.token.state
            record.token.state = .revoked
            record.token.revoked = true
            try record.update(db)
            try insertEvent(
                db, provider: provider, tokenID: tokenID, kind: .changed, at: now,
                detail: "state \(previous.rawValue) → revoked (\(detail))")
        }
    }

    /// How many tokens of `provider` not gone a complete listing started at `listingStartedAt`, with
    /// these sightings, did not see.
    public func countUnseenTokens(provider: String, sightings: ListingSightings, listingStartedAt: Date) throws -> Int {
        try writer.read { db in try Self.unseen(db, provider: provider, sightings: sightings, listingStartedAt: listingStartedAt).count }
    }

    /// The token count of the provider's last successful poll, if any.
    public func lastSuccessfulTokenCount(provider: String) throws -> Int? {
        try writer.read { db in
            try Int.fetchOne(db, sql: "SELECT token_count FROM provider WHERE id = ? AND last_poll_outcome = 'succeeded'", arguments: [provider])
        }
    }

    /// Keeps how the latest poll of `provider` ended on its row. After a failure, returns since when
    /// its polls have failed (the start of the first failed one) and whether an admin was already
    /// alerted about this run of failures; after a success, nil (and the run is over).
    @discardableResult
    public func recordPoll(provider: String, _ outcome: PollOutcome) throws -> FailingRun? {
        try writer.write { db in
            let succeeded = outcome.error == nil
            try db.execute(
                sql: """
                    UPDATE provider SET last_poll_started_at = ?, last_poll_finished_at = ?, last_poll_outcome = ?,
                           last_poll_error = ?, token_count = ?,
                           consecutive_failures = CASE WHEN ? THEN 0 ELSE consecutive_failures + 1 END,
                           failing_since = CASE WHEN ? THEN NULL ELSE coalesce(failing_since, ?) END,
                           failing_alerted = CASE WHEN ? THEN 0 ELSE failing_alerted END,
                           last_succeeded_at = CASE WHEN ? THEN ? ELSE last_succeeded_at END,
                           poll_failures_total = poll_failures_total + CASE WHEN ? THEN 0 ELSE 1 END
                    WHERE id = ?
                    """,
                arguments: [
                    outcome.startedAt.millisecondsSince1970, outcome.finishedAt.millisecondsSince1970, succeeded ? "succeeded" : "failed",
                    outcome.error, outcome.tokenCount, succeeded, succeeded, outcome.startedAt.millisecondsSince1970, succeeded, succeeded,
                    outcome.finishedAt.millisecondsSince1970, succeeded, provider,
                ])
            // Successors this listing saw for the first time take their lineage (`recordLineage`).
            try applyLineage(db, provider: provider)
            guard !succeeded,
                let row = try Row.fetchOne(db, sql: "SELECT failing_since, failing_alerted FROM provider WHERE id = ?", arguments: [provider]),
                let since = row["failing_since"] as Int64?
            else { return nil }
            return FailingRun(since: Date(millisecondsSince1970: since), alerted: row["failing_alerted"])
        }
    }

    /// A run of failed polls of one provider.
    public struct FailingRun: Sendable, Hashable {
        public var since: Date
        public var alerted: Bool
    }

    /// Records that an admin was alerted about `provider`'s current run of failures.
    public func markFailingAlerted(provider: String) throws {
        try writer.write { db in
            try db.execute(sql: "UPDATE provider SET failing_alerted = 1 WHERE id = ?", arguments: [provider])
        }
    }

    /// One history row (the listing's rows go in one statement per batch, see `recordObservations`).
    func insertEvent(_ db: Database, provider: String, tokenID: String, kind: TokenEventKind, at now: Date, detail: String) throws {
        try db.cachedStatement(sql: "INSERT INTO token_event (provider_id, token_id, occurred_at, kind, detail) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [provider, tokenID, now.millisecondsSince1970, kind.rawValue, detail])
    }
}
