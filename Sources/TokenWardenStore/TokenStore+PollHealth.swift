import Foundation
import GRDB
import TokenWardenCore

/// Each provider's polls: the outcome, failures in a row.
extension TokenStore {
    /// Keeps how the latest poll of the provider ended on its row. After a failure, returns since
    /// when its polls have failed (the start of the first failed one) if that run has lasted
    /// `alertAfterFailing` and no admin was told yet: it counts as told from now.
    func recordPoll(_ db: Database, _ end: ListingEnd) throws -> Date? {
        let succeeded = end.error == nil
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
                end.startedAt.millisecondsSince1970, end.finishedAt.millisecondsSince1970, succeeded ? "succeeded" : "failed",
                end.error, end.seen, succeeded, succeeded, end.startedAt.millisecondsSince1970, succeeded, succeeded,
                end.finishedAt.millisecondsSince1970, succeeded, end.provider,
            ])
        // Successors this listing saw for the first time take their lineage (`recordLineage`).
        try applyLineage(db, provider: end.provider)
        guard !succeeded, let span = end.alertAfterFailing,
            let row = try Row.fetchOne(db, sql: "SELECT failing_since, failing_alerted FROM provider WHERE id = ?", arguments: [end.provider]),
            let since = (row["failing_since"] as Int64?).map(Date.init(millisecondsSince1970:)),
            !(row["failing_alerted"] as Bool), end.finishedAt.timeIntervalSince(since) >= span
        else { return nil }
        try db.execute(sql: "UPDATE provider SET failing_alerted = 1 WHERE id = ?", arguments: [end.provider])
        return since
    }

    /// One history row (the listing's rows go in one statement per batch, see `recordObservations`).
    func insertEvent(_ db: Database, provider: String, tokenID: String, kind: TokenEventKind, at now: Date, detail: String) throws {
        try db.cachedStatement(sql: "INSERT INTO token_event (provider_id, token_id, occurred_at, kind, detail) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [provider, tokenID, now.millisecondsSince1970, kind.rawValue, detail])
    }
}
