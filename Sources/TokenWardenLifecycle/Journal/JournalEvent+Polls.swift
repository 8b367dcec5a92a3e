import Foundation
import TokenWardenCore
import TokenWardenJournal
import TokenWardenStore

/// How the journal words a finished poll, the same for the daemon and for an admin's `sync`.
extension JournalEvent {
    /// poll-succeeded (after poll-recovered when it had been failing) and the tokens the poll saw
    /// change, or poll-failed with how many polls in a row have failed now. A provider's first
    /// listing is one count, not an entry per token; more than `ObservationSummary.changeLimit`
    /// changes end with one line pointing to `history`.
    public static func poll(_ poll: PollResult, failedBefore: Int) -> [JournalEvent] {
        let provider = poll.provider
        guard poll.succeeded else { return [pollFailed(provider, inARow: failedBefore + 1, reason: poll.error ?? "unknown error")] }
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
                    .pollSucceeded, .notice,
                    "provider \(provider): more than \(limit) tokens changed in one poll; `tokenwarden history` lists them all", provider: provider))
        }
        return events
    }

    /// poll-failed for a provider whose poll failed, or that could not be polled at all.
    public static func pollFailed(_ provider: String, inARow: Int, reason: String) -> JournalEvent {
        JournalEvent(.pollFailed, .error, "provider \(provider) failed (\(inARow) in a row): \(reason)", provider: provider)
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
    /// then what was reported and done. `failedBefore` is how many polls in a row had failed per provider.
    public func journalEvents(failedBefore: [String: Int]) -> [JournalEvent] {
        polls.flatMap { JournalEvent.poll($0, failedBefore: failedBefore[$0.provider, default: 0]) }
            + unusable.map {
                JournalEvent.pollFailed($0.provider, inARow: failedBefore[$0.provider, default: 0] + 1, reason: "cannot be polled: \($0.reason)")
            }
            + events
    }
}
