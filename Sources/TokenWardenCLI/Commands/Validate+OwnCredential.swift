import TokenWardenConfig
import TokenWardenCore
import TokenWardenLifecycle

extension Validate {
    /// Which credential signs in where tokenwarden replaces its own (`rotate_own_credential`) or has
    /// stored a successor: the precedence an admin needs to see before editing a credential file.
    static func ownCredentials(of configuration: Configuration, loader: CredentialLoader) -> [String] {
        var lines: [String] = []
        for provider in configuration.providers {
            let main: MainCredential?
            var problem: String?
            do {
                main = try MainCredential.resolve(provider, stateDirectory: configuration.daemon.stateDirectory, loader: loader)
            } catch {
                main = nil
                // A configured credential's own problem is reported with the credentials above; any
                // other is the stored file's, which the daemon could not use either.
                if (try? loader.load(provider.credential, kind: provider.kind)) != nil { problem = String(describing: error) }
            }
            let stored = main.map { if case .configured = $0.source { false } else { true } } ?? false
            guard provider.rotateOwnCredential != nil || stored || problem != nil else { continue }
            if let problem { lines.append("    \(provider.id): CANNOT USE its stored own credential: \(problem)") }
            if let lead = provider.rotateOwnCredential {
                let when = configuration.daemon.enforce ? "" : " once enforce = true (report-only now: `plan` shows it due)"
                lines.append("    \(provider.id): replaced by tokenwarden \(lead) before it expires\(when)")
            }
            if let main { lines.append("    \(provider.id): signs in with \(main.summary)") }
        }
        return lines.isEmpty ? [] : ["  own credentials:"] + lines
    }
}
