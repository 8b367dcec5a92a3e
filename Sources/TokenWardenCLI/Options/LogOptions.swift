import ArgumentParser
import Logging
import TokenWardenJournal

/// `--log-level` and `--log-format` for commands that report events.
struct LogOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Least severe events to report: debug, info, notice, warning, error, critical.", valueName: "level"))
    var logLevel: String = "info"

    @Option(
        help: ArgumentHelp(
            "auto (the journal when systemd runs tokenwarden, i.e. INVOCATION_ID or JOURNAL_STREAM is set; otherwise readable lines on "
                + "stderr, wherever it goes), journal or text.", valueName: "format"))
    var logFormat: String = "auto"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level \"\(logLevel)\" is not one of debug, info, notice, warning, error, critical")
        }
        guard LogDestination(rawValue: logFormat) != nil else {
            throw ValidationError("--log-format \"\(logFormat)\" is not one of auto, journal, text")
        }
    }

    var logger: Logger {
        (LogDestination(rawValue: logFormat) ?? .automatic).logger(level: Logger.Level(rawValue: logLevel) ?? .info)
    }

    /// For a command whose events are what it shows (`demo`): readable lines on standard output,
    /// with or without a terminal or a journal; the journal only when asked for with `journal`.
    var ownOutputLogger: Logger {
        guard LogDestination(rawValue: logFormat) != .journal else { return logger }
        var logger = Logger(label: "tokenwarden") { _ in TextLogHandler.standardOutput() }
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        return logger
    }
}
