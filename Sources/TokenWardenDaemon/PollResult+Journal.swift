import Foundation
import Logging
import TokenWardenJournal

/// The journal entries a finished poll leaves, worded once for the daemon and for an admin's `sync`.
extension PollResult {
    /// poll-succeeded (after poll-recovered when it had been failing), or poll-failed with how many
    /// polls in a row have failed now.
    public func log(to logger: Logger, failedBefore: Int, file: String = #fileID, function: String = #function, line: UInt = #line) {
        guard succeeded else {
            Self.logFailure(
                provider: provider, inARow: failedBefore + 1, reason: error ?? "unknown error", to: logger, file: file, function: function, line: line
            )
            return
        }
        if failedBefore > 0 {
            logger.event(
                .pollRecovered, .notice, "provider \(provider) recovered after \(failedBefore) failed polls", provider: provider,
                file: file, function: function, line: line)
        }
        logger.event(
            .pollSucceeded, .info,
            "provider \(provider): \(summary.seen) tokens, \(summary.discovered) new, "
                + "\(summary.changed) changed, \(gone) gone (\(String(format: "%.1f", seconds))s)", provider: provider,
            file: file, function: function, line: line)
    }

    /// poll-failed for a provider whose cycle failed before or without a poll result.
    public static func logFailure(
        provider: String, inARow: Int, reason: String, to logger: Logger,
        file: String = #fileID, function: String = #function, line: UInt = #line
    ) {
        logger.event(
            .pollFailed, .error, "provider \(provider) failed (\(inARow) in a row): \(reason)", provider: provider,
            file: file, function: function, line: line)
    }
}
