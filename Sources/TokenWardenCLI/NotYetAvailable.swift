import ArgumentParser

/// The one-line refusal of a subcommand whose machinery is not in this build yet: exit 1, never a fake success.
enum NotYetAvailable {
    static func refuse(_ command: String, missing: String) -> ExitCode {
        Terminal.error("\(command) is not available in this build: \(missing) is not implemented yet")
        return .failure
    }
}
