import Foundation
import GRDB
import TokenWardenCore

/// Each provider's polls: the sizes the sudden-drop guard compares, the outcome, failures in a row.
extension TokenStore {
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
