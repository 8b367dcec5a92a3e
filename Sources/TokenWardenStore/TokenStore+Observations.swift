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

    /// Starts a listing of `provider`: from here every recorded token counts as seen in it, until
    /// `markUnseenTokensGone` or `keepSightings` ends it.
    public func beginListing(provider: String) throws {
        try writer.write { db in
            try Self.createSightings(db)
            try db.execute(sql: "DELETE FROM temp.listing_sighting WHERE provider_id = ?", arguments: [provider])
        }
    }

    /// Records listed tokens (a page, or several) in one transaction: new tokens are discovered and
    /// changed facts become history events. Every token counts as seen in the current listing.
    /// An unchanged token is found by its stored `facts_digest` and state and is not written at all:
    /// its sighting goes into a temporary table with the rest of the batch in one statement.
    @discardableResult
    public func recordObservations(_ page: [ObservedToken], provider: String, at now: Date) throws -> ObservationSummary {
        try writer.write { db in try recordObservations(db, page, provider: provider, at: now) }
    }

    /// `recordObservations` for async callers: the transaction runs on GRDB's writer queue and the
    /// task waits without holding one of Swift's few concurrency threads, which the listing's
    /// requests need meanwhile (with the client held to one core, holding one made a 100k-token
    /// sync take 4.2 s instead of 2.95 s).
    @discardableResult
    public func recordObservations(_ page: [ObservedToken], provider: String, at now: Date) async throws -> ObservationSummary {
        try await writer.write { db in try recordObservations(db, page, provider: provider, at: now) }
    }

    private func recordObservations(_ db: Database, _ page: [ObservedToken], provider: String, at now: Date) throws -> ObservationSummary {
        let ids = JSONColumn.encode(page.map(\.id))
        try Self.createSightings(db)
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO temp.listing_sighting SELECT ?, value FROM json_each(?)")
            .execute(arguments: [provider, ids])
        let pending = try changedOrNew(db, page, ids: ids, provider: provider, at: now)
        var summary = ObservationSummary()
        summary.seen = page.count
        guard !pending.isEmpty else { return summary }
        var known = try tokens(db, provider: provider, ids: pending.map { page[$0].id })
        var insert = DirectStatement(try db.cachedStatement(sql: TokenRecord.insertSQL))
        var events = DirectStatement(try eventInsert(db))
        let seenAt = now.millisecondsSince1970
        for observed in pending.lazy.map({ page[$0] }) {
            guard var token = known[observed.id] else {
                let token = Token(provider: provider, observed: observed, seenAt: now)
                try TokenRecord(token).insert(using: &insert)
                try insertEvent(using: &events, provider: provider, tokenID: observed.id, kind: .discovered, at: seenAt, detail: "")
                known[observed.id] = token
                summary.discovered += 1
                summary.note(TokenChange(tokenID: observed.id, tokenName: token.name, kind: .discovered))
                continue
            }
            let wasGone = token.state == .gone
            let changes = token.absorb(observed, seenAt: now)
            known[observed.id] = token
            // Also when unchanged: a row stored before digests were kept gets its digest this once.
            try TokenRecord(token).update(db)
            guard wasGone || !changes.isEmpty else { continue }
            let detail = changes.map(\.description).joined(separator: "; ")
            try insertEvent(
                using: &events, provider: provider, tokenID: observed.id, kind: wasGone ? .reappeared : .changed, at: seenAt,
                detail: detail)
            if wasGone { summary.reappeared += 1 } else { summary.changed += 1 }
            summary.note(TokenChange(tokenID: observed.id, tokenName: token.name, kind: wasGone ? .reappeared : .changed, detail: detail))
        }
        return summary
    }

    /// The positions in `page` of the tokens that need a write: new ones, and known ones whose facts
    /// digest or state differs from the stored row (a gone token's state always does). One query
    /// reads the digest and state of the whole batch, by position in the `ids` array, without
    /// reading any token text; once a token needs a write, its later repeats in the batch do too.
    private func changedOrNew(_ db: Database, _ page: [ObservedToken], ids: String, provider: String, at now: Date) throws -> [Int] {
        let lookup = try db.cachedStatement(
            sql: """
                SELECT wanted.key, token.facts_digest, token.state FROM json_each(?) AS wanted CROSS JOIN token
                WHERE token.provider_id = ? AND token.token_id = wanted.value
                """)
        var unchanged = [Bool](repeating: false, count: page.count)
        let rows = try Row.fetchCursor(lookup, arguments: [ids, provider])
        while let row = try rows.next() {
            let index: Int = row[0]
            guard let digest: Int64 = row[1] else { continue }
            let observed = page[index]
            unchanged[index] = digest == observed.factsDigest && row[2] == observed.state(at: now).rawValue
        }
        var pending: [Int] = []
        var written: Set<String> = []
        for index in page.indices where !unchanged[index] || (!written.isEmpty && written.contains(page[index].id)) {
            pending.append(index)
            written.insert(page[index].id)
        }
        return pending
    }

    /// The temporary table of the tokens seen by the current listings, one per provider at a time.
    /// Temporary tables live on the writer's connection only and vanish with it.
    static func createSightings(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TEMP TABLE IF NOT EXISTS listing_sighting (
                  provider_id TEXT NOT NULL, token_id TEXT NOT NULL, PRIMARY KEY (provider_id, token_id)) WITHOUT ROWID
                """)
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

    /// The condition "not seen in the current listing of `provider`" on a `token` row.
    private static let unseen = """
        provider_id = ? AND state <> 'gone' AND NOT EXISTS (
          SELECT 1 FROM temp.listing_sighting AS seen WHERE seen.provider_id = token.provider_id AND seen.token_id = token.token_id)
        """

    /// How many tokens of `provider` the current listing did not see, counted without looking for
    /// them: every token it saw is stored and not gone once recorded, so the unseen ones are the
    /// stored tokens not gone minus the sightings. Both counts read one index each; finding which
    /// tokens are unseen (`unseen`) looks every token up in the sightings, 17% of a 100k-token
    /// re-sync's CPU (perf) when it ran after every listing.
    private static func unseenCount(_ db: Database, provider: String) throws -> Int {
        let stored = try Int.fetchOne(db, sql: "SELECT count(*) FROM token WHERE provider_id = ? AND state <> 'gone'", arguments: [provider]) ?? 0
        let seen = try Int.fetchOne(db, sql: "SELECT count(*) FROM temp.listing_sighting WHERE provider_id = ?", arguments: [provider]) ?? 0
        return stored - seen
    }

    /// Ends a listing that completed: every token of `provider` it did not contain is `gone` (last
    /// seen at the provider's previous complete listing, if later than its own last sighting), and
    /// the rest are seen as of `listingStartedAt`. Never call this after a listing that failed
    /// part-way (see `keepSightings`). Returns the history entries written.
    @discardableResult
    public func markUnseenTokensGone(provider: String, listingStartedAt: Date, at now: Date) throws -> [TokenChange] {
        try writer.write { db in
            try Self.createSightings(db)
            let previous = try Int64.fetchOne(db, sql: "SELECT listed_at FROM provider WHERE id = ?", arguments: [provider]) ?? nil
            let missing =
                try Self.unseenCount(db, provider: provider) > 0
                ? try TokenRecord.fetchAll(db, sql: "SELECT * FROM token WHERE \(Self.unseen)", arguments: [provider]) : []
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
            try db.execute(sql: "DELETE FROM temp.listing_sighting WHERE provider_id = ?", arguments: [provider])
            return gone
        }
    }

    /// Ends a listing whose missing tokens are not marked gone (it failed part-way, or it shrank
    /// suspiciously): the tokens it saw are written as seen at `listingStartedAt`, one by one, since
    /// the provider's `listed_at` cannot move for them alone.
    public func keepSightings(provider: String, listingStartedAt: Date) throws {
        try writer.write { db in
            try Self.createSightings(db)
            try db.execute(
                sql: """
                    UPDATE token SET last_seen_at = max(last_seen_at, ?)
                    WHERE provider_id = ? AND token_id IN (SELECT token_id FROM temp.listing_sighting WHERE provider_id = ?)
                    """, arguments: [listingStartedAt.millisecondsSince1970, provider, provider])
            try db.execute(sql: "DELETE FROM temp.listing_sighting WHERE provider_id = ?", arguments: [provider])
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

    /// How many tokens of `provider` the current listing, complete, did not contain.
    public func countUnseenTokens(provider: String) throws -> Int {
        try writer.write { db in
            try Self.createSightings(db)
            return try Self.unseenCount(db, provider: provider)
        }
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

    func insertEvent(_ db: Database, provider: String, tokenID: String, kind: TokenEventKind, at now: Date, detail: String) throws {
        var events = DirectStatement(try eventInsert(db))
        try insertEvent(using: &events, provider: provider, tokenID: tokenID, kind: kind, at: now.millisecondsSince1970, detail: detail)
    }

    /// One history row through a held `eventInsert` statement: the per-token path of a listing,
    /// which keeps the statement rather than hashing its SQL to find it in the cache once per row.
    private func insertEvent(
        using events: inout DirectStatement, provider: String, tokenID: String, kind: TokenEventKind,
        at milliseconds: Int64, detail: String
    ) throws {
        events.bind(provider)
        events.bind(tokenID)
        events.bind(milliseconds)
        events.bind(kind.rawValue)
        events.bind(detail)
        try events.execute()
    }

    /// The prepared history insert, parameters in `insertEvent`'s order.
    private func eventInsert(_ db: Database) throws -> Statement {
        try db.cachedStatement(sql: "INSERT INTO token_event (provider_id, token_id, occurred_at, kind, detail) VALUES (?, ?, ?, ?, ?)")
    }
}
