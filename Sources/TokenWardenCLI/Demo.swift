import ArgumentParser

/// `tokenwarden demo`: Run the daemon against built-in simulated providers.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the daemon against built-in simulated providers (not available in this build yet)",
        discussion: """
            Starts simulated Planning Center, SailPoint, Cryptlex, 12d Synergy and AWX servers on loopback and runs the real daemon against them, with no credentials needed.

            This build does not have the simulator and the daemon loop yet, so the command exits 1 without doing anything.
            """
    )

    @OptionGroup var options: ConfigOptions

    func run() throws {
        throw NotYetAvailable.refuse("demo", missing: "the simulator and the daemon loop")
    }
}
