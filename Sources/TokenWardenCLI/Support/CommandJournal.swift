import Foundation
import TokenWardenJournal
import TokenWardenLifecycle
import TokenWardenStore

/// An admin's `sync`, `plan --refresh`, `revoke` and `rotate` leave the same journal entries as the
/// daemon (poll outcomes included), so the journal holds every poll and action whoever started it.
/// Printed output is unchanged; without a listening journald nothing more is done.
enum CommandJournal {
    /// The journal entries of a cycle (or of a poll without policy, `plan --refresh`).
    static func record(_ report: CycleReport, file: String = #fileID, function: String = #function, line: UInt = #line) {
        record(report.journalEvents(), file: file, function: function, line: line)
    }

    static func record(_ events: [JournalEvent], file: String = #fileID, function: String = #function, line: UInt = #line) {
        guard !events.isEmpty, JournalSocket.isListening() else { return }
        let logger = LogDestination.journal.logger(level: .info)
        for event in events { event.log(to: logger, file: file, function: function, line: line) }
    }
}
