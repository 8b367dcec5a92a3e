import ArgumentParser

/// `tokenwarden revoke`: Revoke one token now, through its provider's API.
struct Revoke: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Revoke one token now, through its provider's API (not available in this build yet)",
        discussion: """
            TOKEN is PROVIDER/ID or a unique name; asks for confirmation unless --yes.

            This build does not have the provider drivers and the action log yet, so the command exits 1 without doing anything.
            """
    )

    @OptionGroup var options: ConfigOptions

    func run() throws {
        throw NotYetAvailable.refuse("revoke", missing: "the provider drivers and the action log")
    }
}
