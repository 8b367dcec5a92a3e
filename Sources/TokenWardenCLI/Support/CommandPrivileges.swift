import Foundation
import TokenWardenConfig
import TokenWardenCore

/// What a command run from the admin's shell does before it reads credentials or opens the store,
/// so that it works on an installed system as the service does:
/// - a bare credential name resolves through the unit's `LoadCredential=` when
///   `$CREDENTIALS_DIRECTORY` is not set, and every credential is read now;
/// - run as root against a state directory another user owns (the service's), it then becomes that
///   user: the database, spool and delivery commands are used with the service's rights, never
///   root's, and no root-owned file is left behind.
enum CommandPrivileges {
    static func prepare(_ configuration: Configuration, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        preloadCredentials(configuration, environment: environment)
        try StateDirectoryOwner.become(configuration.daemon.stateDirectory)
    }

    /// An argument as a shell reads it back.
    static func quoted(_ argument: String) -> String {
        argument.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,@%+".contains($0) } && !argument.isEmpty
            ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Reads every credential now, through the unit's `LoadCredential=` where a name needs it; the
    /// results (failures too) stay in the process's vault for the rest of the command.
    static func preloadCredentials(_ configuration: Configuration, environment: [String: String]) {
        let keys = configuration.notifiers.flatMap(\.credentials)
        let references = configuration.providers.flatMap { [$0.credential] + $0.owners.map(\.credential) } + keys
        let systemdNames = references.contains { if case .systemd = $0 { true } else { false } }
        var unit: UnitCredentials?
        if systemdNames, (environment["CREDENTIALS_DIRECTORY"] ?? "").isEmpty,
            let files = SystemdUnit.files()
        {
            unit = UnitCredentials.parse(unitFiles: files, unit: SystemdUnit.name)
        }
        var loader = CredentialLoader(environment: environment, unit: unit)
        loader.asRoot = (["sudo", "tokenwarden"] + CommandLine.arguments.dropFirst().map(Self.quoted)).joined(separator: " ")
        CredentialVault.process.preload(configuration, with: loader)
    }
}
