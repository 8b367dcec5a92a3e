import Foundation
import TokenWardenCore

/// What commands say on standard error: `tokenwarden: …` and `tokenwarden: warning: …`.
/// Messages may quote provider data (names, server excerpts): each line is shown `terminalSafe`.
enum StandardError {
    static func error(_ text: String) {
        write("tokenwarden: " + text.terminalSafe)
    }

    static func warning(_ text: String) {
        write("tokenwarden: warning: " + text.terminalSafe)
    }

    /// What a command is doing or waiting for: `tokenwarden: …`, like an error but not one.
    static func note(_ text: String) {
        write("tokenwarden: " + text.terminalSafe)
    }

    /// Lines as they are (each made terminal-safe), e.g. a configuration error's list of problems.
    static func lines(_ text: String) {
        write(text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0).terminalSafe }.joined(separator: "\n"))
    }

    private static func write(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
