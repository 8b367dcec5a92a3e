import Foundation
import Logging
import Synchronization
import Testing
import TokenWardenTestSupport

@testable import TokenWardenJournal

/// A journald that stopped leaves its socket file behind; entries sent there must not vanish.
struct JournalSocketTests {
    @Test func onlyASocketWithAListenerCountsAsListening() throws {
        let dir = try TemporaryDirectory()
        let path = dir.subpath("socket")
        #expect(!JournalSocket.isListening(at: path))
        var listener: NotifyListener? = try NotifyListener(path: path)
        #expect(JournalSocket.isListening(at: path))
        listener = nil
        _ = listener
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(!JournalSocket.isListening(at: path))
    }

    @Test func anEntryJournaldRefusesIsWrittenAsATextLineInstead() {
        let lines = Lines()
        var logger = Logger(label: "test") { _ in
            JournalLogHandler(identifier: "tokenwarden", sender: { _ in -ECONNREFUSED }, fallback: TextLogHandler(output: lines.append))
        }
        logger[metadataKey: "provider"] = "awx-main"
        logger.notice("revoked awx-main/4 \"backup-1\"")
        #expect(lines.all.count == 1)
        #expect(lines.all.first?.contains("NOTICE   revoked awx-main/4 \"backup-1\"") == true)
    }

    @Test func anEntryJournaldTakesIsNotRepeatedOnStderr() {
        let lines = Lines()
        let sent = Lines()
        let logger = Logger(label: "test") { _ in
            JournalLogHandler(
                identifier: "tokenwarden",
                sender: { fields in
                    sent.append(fields.joined(separator: "|"))
                    return 0
                },
                fallback: TextLogHandler(output: lines.append))
        }
        logger.notice("hello")
        #expect(lines.all.isEmpty)
        #expect(sent.all.first?.hasPrefix("MESSAGE=hello|PRIORITY=5|SYSLOG_IDENTIFIER=tokenwarden") == true)
    }
}

/// Collected output lines, safe to append from any thread.
private final class Lines: Sendable {
    private let storage = Mutex<[String]>([])
    var all: [String] { storage.withLock { $0 } }
    func append(_ line: String) { storage.withLock { $0.append(line) } }
}
