import ArgumentParser
import Foundation
import TokenWardenConfig
import TokenWardenCore
import TokenWardenStore

/// Where CLI output goes, and how errors become exit codes (0 ok, 1 failure, 2 invalid configuration).
/// Messages may quote provider data (names, server excerpts): each line is shown `terminalSafe`.
enum Terminal {
    static func error(_ text: String) {
        FileHandle.standardError.write(Data(("tokenwarden: " + text.terminalSafe + "\n").utf8))
    }

    static func warning(_ text: String) {
        FileHandle.standardError.write(Data(("tokenwarden: warning: " + text.terminalSafe + "\n").utf8))
    }

    /// Runs a command's body, turning any error except an explicit exit code into a printed message and exit code.
    static func reportingFailures(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw fail(error)
        }
    }

    /// Prints an error the admin can act on and returns the exit code it means.
    static func fail(_ error: any Error) -> ExitCode {
        switch error {
        case let error as ConfigError:
            let lines = error.description.split(separator: "\n", omittingEmptySubsequences: false).map { String($0).terminalSafe }
            FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
            return ExitCode(2)
        case let error as StoreError:
            self.error(error.description)
            return .failure
        default:
            self.error("\(error)")
            return .failure
        }
    }
}
