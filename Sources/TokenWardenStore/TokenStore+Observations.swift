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

    /// Records listed tokens (a page, or several) in one transaction: new tokens are discovered,
    /// changed facts become history events, and every listed token's `last_seen_at` moves to `now`.
    /// The known tokens are loaded with one query; an unchanged token costs one small UPDATE.
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
        var summary = ObservationSummary()
        var known = try tokens(db, provider: provider, ids: page.map(\.id))
        var touch = DirectStatement(try db.cachedStatement(sql: "UPDATE token SET last_seen_at = ? WHERE provider_id = ? AND token_id = ?"))
        var insert = DirectStatement(try db.cachedStatement(sql: TokenRecord.insertSQL))
        var events = DirectStatement(try eventInsert(db))
        let seenAt = now.millisecondsSince1970
        for observed in page {
            summary.seen += 1
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
            guard wasGone || !changes.isEmpty else {
                touch.bind(seenAt)
                touch.bind(provider)
                touch.bind(observed.id)
                try touch.execute()
                continue
            }
            try TokenRecord(token).update(db)
            let detail = changes.map(\.description).joined(separator: "; ")
            try insertEvent(
                using: &events, provider: provider, tokenID: observed.id, kind: wasGone ? .reappeared : .changed, at: seenAt,
                detail: detail)
            if wasGone { summary.reappeared += 1 } else { summary.changed += 1 }
            summary.note(TokenChange(tokenID: observed.id, tokenName: token.name, kind: wasGone ? .reappeared : .changed, detail: detail))
        }
        return summary
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

    /// After a listing that completed: every token of `provider` not seen since `listingStartedAt`
    /// is `gone`. Never call this after a listing that failed part-way. Returns the history entries written.
    @discardableResult
    public func markUnseenTokensGone(provider: String, notSeenSince listingStartedAt: Date, at now: Date) throws -> [TokenChange] {
        try writer.write { db in
            let missing =
                try TokenRecord
                .filter(
                    sql: "provider_id = ? AND last_seen_at < ? AND state <> 'gone'", arguments: [provider, listingStartedAt.millisecondsSince1970]
                )
                .fetchAll(db)
            var gone: [TokenChange] = []
            for var record in missing {
                let change = TokenChange(
                    tokenID: record.token.id, tokenName: record.token.name, kind: .disappeared,
                    detail: "state \(record.token.state.rawValue) → gone")
                record.token.state = .gone
                try record.update(db)
                try insertEvent(db, provider: provider, tokenID: change.tokenID, kind: .disappeared, at: now, detail: change.detail)
                gone.append(change)
            }
            return gone
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

    /// How many tokens of `provider` a complete listing starting at `listingStartedAt` did not contain.
    public func countUnseenTokens(provider: String, notSeenSince listingStartedAt: Date) throws -> Int {
        try writer.read { db in
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM token WHERE provider_id = ? AND last_seen_at < ? AND state <> 'gone'",
                arguments: [provider, listingStartedAt.millisecondsSince1970]) ?? 0
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
