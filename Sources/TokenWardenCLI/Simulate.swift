import ArgumentParser

/// `tokenwarden simulate`: Serve simulated provider APIs on loopback.
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve simulated provider APIs on loopback (not available in this build yet)",
        discussion: """
            Runs fake Planning Center, SailPoint, Cryptlex, 12d Synergy and AWX servers with seeded tokens and optional fault injection, and prints a config that points at them.

            This build does not have the provider simulator yet, so the command exits 1 without doing anything.
            """
    )

    func run() throws {
        throw NotYetAvailable.refuse("simulate", missing: "the provider simulator")
    }
}
