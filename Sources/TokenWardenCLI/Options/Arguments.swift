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

    /// `KIND[=SCALE]` of `simulate --rate-limit`.
    static func rateLimit(_ text: String) throws -> SimulatedRateLimit {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        let limited = ProviderKind.allCases.filter { SimulatedRateLimit.documented(for: $0) != nil }
        guard let kind = parts.first.flatMap(ProviderKind.init(rawValue:)), limited.contains(kind) else {
            throw ValidationError(
                "--rate-limit \"\(text)\": write KIND[=SCALE] with KIND one of \(limited.map(\.rawValue).joined(separator: ", ")) "
                    + "(the providers with a documented limit)")
        }
        let scale = parts.count == 2 ? Int(parts[1]) : 1
        guard let scale, let limit = SimulatedRateLimit.documented(for: kind, timeScale: scale) else {
            let window = SimulatedRateLimit.documented(for: kind)?.period ?? 0
            throw ValidationError(
                "--rate-limit \"\(text)\": SCALE divides the \(window) s window into whole seconds: one of "
                    + SimulatedRateLimit.scales(for: kind).map(String.init).joined(separator: ", "))
        }
        return limit
    }

    static func state(_ text: String) throws -> TokenState {
        guard let state = TokenState(rawValue: text.lowercased()) else {
            throw ValidationError("unknown state \"\(text)\" (valid: \(TokenState.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return state
    }
}
