import ArgumentParser
import TokenWardenCore
import TokenWardenSimulator

/// Conversions from command-line text to tokenwarden values, with the same messages as the config files.
enum Arguments {
    static func timeSpan(_ text: String) throws -> TimeSpan {
        do { return try TimeSpan(parsing: text) } catch { throw ValidationError(error.description) }
    }

    static func fault(_ text: String) throws -> SimulatorFault {
        do { return try SimulatorFault(parsing: text) } catch { throw ValidationError(error.description) }
    }

    static func state(_ text: String) throws -> TokenState {
        guard let state = TokenState(rawValue: text.lowercased()) else {
            throw ValidationError("unknown state \"\(text)\" (valid: \(TokenState.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return state
    }
}
