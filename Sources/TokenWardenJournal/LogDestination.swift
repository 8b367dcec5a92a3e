import Foundation
import Logging

/// Where a command's events go: native journal entries, or readable lines on stderr.
/// `automatic` picks the journal only when a journald listens on its socket and stderr is not a
/// terminal, so a person running a command by hand sees the lines, and a systemd service writes
/// structured entries.
public enum LogDestination: String, Sendable, CaseIterable {
    case automatic = "auto"
    case journal
    case text

    /// `journal` or `text`, resolving `automatic` against the running process.
    public func resolved() -> LogDestination {
        guard self == .automatic else { return self }
        return isatty(STDERR_FILENO) == 0 && JournalSocket.isListening() ? .journal : .text
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
