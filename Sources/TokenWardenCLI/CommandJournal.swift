import Foundation
import TokenWardenDaemon
import TokenWardenJournal
import TokenWardenStore

/// An admin's `sync`, `plan --refresh`, `revoke` and `rotate` leave the same journal entries as the
/// daemon (poll outcomes included), so the journal holds every poll and action whoever started it.
/// Printed output is unchanged; without a listening journald nothing more is done.
enum CommandJournal {
    /// How many polls in a row each provider had failed, read before this command polls.
    static func failuresInARow(_ store: TokenStore) -> [String: Int] {
        Dictionary(((try? store.providerHealth()) ?? []).map { ($0.provider, $0.consecutiveFailures) }, uniquingKeysWith: { a, _ in a })
    }

    static func record(
        polls: [PollResult], unusable: [(provider: String, reason: String)], failedBefore: [String: Int],
        file: String = #fileID, function: String = #function, line: UInt = #line
    ) {
        guard !(polls.isEmpty && unusable.isEmpty), JournalSocket.isListening() else { return }
        let logger = LogDestination.journal.logger(level: .info)
        for poll in polls { poll.log(to: logger, failedBefore: failedBefore[poll.provider, default: 0], file: file, function: function, line: line) }
        for (provider, reason) in unusable {
            PollResult.logFailure(
                provider: provider, inARow: failedBefore[provider, default: 0] + 1, reason: "cannot be polled: \(reason)",
                to: logger, file: file, function: function, line: line)
        }
    }

    static func record(_ events: [LifecycleEvent], file: String = #fileID, function: String = #function, line: UInt = #line) {
        guard !events.isEmpty, JournalSocket.isListening() else { return }
        let logger = LogDestination.journal.logger(level: .info)
        for event in events { event.log(to: logger, file: file, function: function, line: line) }
    }
}
