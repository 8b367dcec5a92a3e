import Foundation
import TokenWardenCore
import TokenWardenJournal
import TokenWardenStore

/// How the journal words a finished poll, the same for the daemon and for an admin's `sync`.
extension JournalEvent {
    /// poll-succeeded (after poll-recovered when it had been failing) and the tokens the poll saw
    /// change, or poll-failed with how many polls in a row have failed now. A provider's first
    /// listing is one count, not an entry per token; more than `ObservationSummary.changeLimit`
    /// changes end with one many-changes entry pointing to `history`.
    public static func poll(_ poll: PollResult) -> [JournalEvent] {
        let provider = poll.provider
        let failedBefore = poll.failedBefore
        guard poll.succeeded else {
            return [
                JournalEvent(
                    .pollFailed, .error, "provider \(provider) failed (\(failedBefore + 1) in a row): \(poll.error ?? "unknown error")",
                    provider: provider)
            ]
        }
        var events: [JournalEvent] = []
        if failedBefore > 0 {
            events.append(
                JournalEvent(.pollRecovered, .notice, "provider \(provider) recovered after \(failedBefore) failed polls", provider: provider))
        }
        let summary = poll.summary
        events.append(
            JournalEvent(
                .pollSucceeded, .info,
                "provider \(provider): \(summary.seen) tokens, \(summary.discovered) new, \(summary.changed) changed, \(poll.gone) gone "
                    + "(\(String(format: "%.1f", poll.seconds))s)", provider: provider))
        guard !poll.firstListing else { return events }
        let limit = ObservationSummary.changeLimit
        for change in (summary.changes + poll.disappeared).prefix(limit) { events.append(tokenChange(change, provider: provider)) }
        if summary.changeCount + poll.gone > limit {
            events.append(
                JournalEvent(
                    .manyChanges, .notice,
                    "provider \(provider): more than \(limit) tokens changed in one poll; `tokenwarden history` lists them all", provider: provider))
        }
        return events
    }

    /// provider-unusable: a provider the cycle cannot poll or write to, because its credential did
    /// not load. Not an alert: nothing was asked of the provider, and `validate` says the same.
    public static func providerUnusable(_ provider: String, reason: String) -> JournalEvent {
        JournalEvent(.providerUnusable, .error, "provider \(provider) cannot be polled: \(reason)", provider: provider)
    }

    /// cycle-failed: the cycle of `provider` (nil: of every provider) stopped on an error of its own,
    /// not a provider's answer (the store, the state directory); an alert for `[daemon] alert_to`.
    public static func cycleFailed(_ provider: String?, error: any Error) -> JournalEvent {
        JournalEvent(
            .cycleFailed, .error, "\(provider.map { "provider \($0): " } ?? "")the cycle stopped: \(error); the next cycle tries again",
            provider: provider)
    }

    /// A provider whose polls have failed for longer than `[daemon] alert_after_failing` (once per run).
    static func providerFailing(_ poll: PollResult, since: Date, now: Date) -> JournalEvent {
        JournalEvent(
            .providerFailing, .error,
            "provider \(poll.provider) has failed every poll since \(ProviderTimestamp.format(since)) "
                + "(for \(TimeSpan(seconds: max(0, Int64((now.timeIntervalSince(since) / 60).rounded()) * 60)))): "
                + "\(poll.error ?? "see the poll-failed entries"); "
                + "its inventory is getting stale", provider: poll.provider)
    }

    /// A token discovered, changed, gone or back.
    static func tokenChange(_ change: TokenChange, provider: String) -> JournalEvent {
        let kind: Kind =
            switch change.kind {
            case .discovered: .tokenDiscovered
            case .changed: .tokenChanged
            case .disappeared: .tokenDisappeared
            case .reappeared: .tokenReappeared
            }
        let quiet = change.kind == .changed || change.kind == .discovered
        return JournalEvent(
            kind, quiet ? .info : .notice,
            "\(provider)/\(change.tokenID) \"\(change.tokenName)\" \(change.kind.rawValue)\(change.detail.isEmpty ? "" : ": " + change.detail)",
            provider: provider, tokenID: change.tokenID, tokenName: change.tokenName, detail: change.detail.isEmpty ? nil : change.detail)
    }
}

extension CycleReport {
    /// Every journal entry of the cycle, in order: each poll, the providers that could not be polled,
    /// then what was reported and done.
    public func journalEvents() -> [JournalEvent] {
        polls.flatMap(JournalEvent.poll) + unusable.map { JournalEvent.providerUnusable($0.provider, reason: $0.reason) } + events
    }
}
