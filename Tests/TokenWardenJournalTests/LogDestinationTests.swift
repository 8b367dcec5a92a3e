import Foundation
import Testing

@testable import TokenWardenJournal

/// `--log-format auto`: the journal only when systemd runs the process, whatever stderr is.
@Suite struct LogDestinationTests {
    static var stderrStream: String {
        var info = stat()
        _ = fstat(STDERR_FILENO, &info)
        return "\(info.st_dev):\(info.st_ino)"
    }

    @Test func byHandWithStderrToAFileTheLinesGoToStderr() {
        #expect(LogDestination.automatic.resolved(environment: [:], journalListening: { true }) == .text)
        #expect(LogDestination.automatic.resolved(environment: ["JOURNAL_STREAM": "1:2"], journalListening: { true }) == .text)
    }

    @Test func underSystemdWithItsStreamTheJournalGetsThem() {
        #expect(LogDestination.automatic.resolved(environment: ["JOURNAL_STREAM": Self.stderrStream], journalListening: { true }) == .journal)
        #expect(LogDestination.automatic.resolved(environment: ["JOURNAL_STREAM": Self.stderrStream], journalListening: { false }) == .text)
    }

    @Test(.enabled(if: isatty(STDERR_FILENO) == 0, "stderr must not be a terminal"))
    func startedBySystemdWithStderrElsewhereTheJournalGetsThem() {
        #expect(LogDestination.automatic.resolved(environment: ["INVOCATION_ID": "0123abcd"], journalListening: { true }) == .journal)
    }

    @Test func anExplicitFormatIsKept() {
        #expect(LogDestination.text.resolved(environment: ["INVOCATION_ID": "x"], journalListening: { true }) == .text)
        #expect(LogDestination.journal.resolved(environment: [:], journalListening: { false }) == .journal)
    }
}
