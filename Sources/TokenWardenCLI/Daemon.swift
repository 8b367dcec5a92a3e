import ArgumentParser

/// `tokenwarden daemon`: Run the token-lifecycle daemon under systemd.
struct Daemon: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the token-lifecycle daemon under systemd (not available in this build yet)",
        discussion: """
            Polls every configured provider on its own timer, records what it sees, applies policy and reports to the journal; systemd starts it as tokenwarden.service (Type=notify).

            This build does not have the scheduler and journald reporting yet, so the command exits 1 without doing anything.
            """
    )

    @OptionGroup var options: ConfigOptions

    func run() throws {
        throw NotYetAvailable.refuse("daemon", missing: "the scheduler and journald reporting")
    }
}
