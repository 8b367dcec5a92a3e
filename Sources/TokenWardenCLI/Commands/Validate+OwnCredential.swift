import TokenWardenConfig
import TokenWardenCore
import TokenWardenLifecycle

extension Validate {
    /// Which credential signs in where tokenwarden replaces its own (`rotate_own_credential`) or has
    /// stored a successor: the precedence an admin needs to see before editing a credential file.
    static func ownCredentials(of configuration: Configuration, loader: CredentialLoader) -> [String] {
        var lines: [String] = []
        for provider in configuration.providers {
            let main = try? MainCredential.resolve(provider, stateDirectory: configuration.daemon.stateDirectory, loader: loader)
            let stored = main.map { if case .configured = $0.source { false } else { true } } ?? false
            guard provider.rotateOwnCredential != nil || stored else { continue }
            if let lead = provider.rotateOwnCredential {
                let when = configuration.daemon.enforce ? "" : " once enforce = true (report-only now: `plan` shows it due)"
                lines.append("    \(provider.id): replaced by tokenwarden \(lead) before it expires\(when)")
            }
            if let main { lines.append("    \(provider.id): signs in with \(main.summary)") }
        }
        return lines.isEmpty ? [] : ["  own credentials:"] + lines
    }
}
