import Foundation
import TokenWardenJournal
import TokenWardenStore

/// What follows every cycle, for the daemon and `sync` alike, in one order: the journal, then
/// alerts for what needs an admin (`[daemon] alert_to`), then the outbox, then the metrics. The
/// daemon wakes its outbox and metrics services; `sync` sends and writes at once: only those two
/// steps are the caller's.
public struct CycleAftermath: Sendable {
    let store: TokenStore
    let alertTo: [String]

    public init(store: TokenStore, alertTo: [String]) {
        self.store = store
        self.alertTo = alertTo
    }

    /// Runs the steps; returns what they added to the cycle's own events: a failure to queue the
    /// alerts, and what the outbox step reported (`sync` prints them after the cycle's).
    @discardableResult
    public func run(
        _ report: CycleReport, at now: Date, journal: ([JournalEvent]) -> Void,
        outbox: () async -> [JournalEvent], metrics: (CycleReport) -> Void
    ) async -> [JournalEvent] {
        journal(report.journalEvents())
        var added: [JournalEvent] = []
        do {
            try store.queue(OutboxMessage.alerts(report.events, to: alertTo, at: now))
        } catch {
            // Never dropped in silence: the alert's events are in the journal above, this says they went no further.
            let failure = JournalEvent(
                .notificationFailed, .error,
                "the alerts of this cycle could not be queued for \(alertTo.joined(separator: ", ")): \(error); the journal has them")
            journal([failure])
            added.append(failure)
        }
        let sent = await outbox()
        journal(sent)
        metrics(report)
        return added + sent
    }
}
