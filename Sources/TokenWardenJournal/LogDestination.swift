import Foundation
import Logging

/// Where a command's events go: native journal entries, or readable lines on stderr.
/// `automatic` picks the journal only when systemd runs the process and a journald listens on its
/// socket: stderr is the journal's stream (`JOURNAL_STREAM` names its device and inode, as
/// systemd.exec(5) says to check), or systemd started it (`INVOCATION_ID`) and stderr is no
/// terminal. Run by hand, even with stderr sent to a file, the lines go to stderr.
public enum LogDestination: String, Sendable, CaseIterable {
    case automatic = "auto"
    case journal
    case text

    /// `journal` or `text`, resolving `automatic` against the running process.
    public func resolved(
        environment: [String: String] = ProcessInfo.processInfo.environment, journalListening: () -> Bool = { JournalSocket.isListening() }
    ) -> LogDestination {
        guard self == .automatic else { return self }
        return Self.underSystemd(environment) && journalListening() ? .journal : .text
    }

    /// Whether systemd started this process with its stderr going where systemd put it.
    static func underSystemd(_ environment: [String: String]) -> Bool {
        var info = stat()
        guard fstat(STDERR_FILENO, &info) == 0 else { return false }
        if let stream = environment["JOURNAL_STREAM"] {
            let parts = stream.split(separator: ":")
            if parts.count == 2, UInt64(parts[0]) == UInt64(info.st_dev), UInt64(parts[1]) == UInt64(info.st_ino) { return true }
        }
        return environment["INVOCATION_ID"].map { !$0.isEmpty } == true && isatty(STDERR_FILENO) == 0 && environment["JOURNAL_STREAM"] == nil
    }

    /// A logger writing to this destination at `level`, without touching swift-log's global bootstrap.
    public func logger(level: Logger.Level = .info) -> Logger {
        let destination = resolved()
        var logger = Logger(label: "tokenwarden") { _ in
            destination == .journal ? JournalLogHandler() as any LogHandler : TextLogHandler()
        }
        logger.logLevel = level
        return logger
    }
}
