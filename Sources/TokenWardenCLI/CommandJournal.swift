import Foundation
import TokenWardenDaemon
import TokenWardenJournal

/// An admin's `sync`, `revoke` and `rotate` leave the same journal entries as the daemon, so the
/// journal holds every action whoever started it. Printed output is unchanged; without a listening
/// journald nothing more is done.
enum CommandJournal {
    static func record(_ events: [LifecycleEvent], file: String = #fileID, function: String = #function, line: UInt = #line) {
        guard !events.isEmpty, JournalSocket.isListening() else { return }
        let logger = LogDestination.journal.logger(level: .info)
        for event in events { event.log(to: logger, file: file, function: function, line: line) }
    }
}
