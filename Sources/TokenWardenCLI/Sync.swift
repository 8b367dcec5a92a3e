import ArgumentParser

/// `tokenwarden sync`: Poll every provider once and record what it sees.
struct Sync: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Poll every provider once and record what it sees (not available in this build yet)",
        discussion: """
            One poll of every configured provider, recorded into the inventory page by page, with a summary per provider.

            This build does not have the provider drivers yet, so the command exits 1 without doing anything.
            """
    )

    @OptionGroup var options: ConfigOptions

    func run() throws {
        throw NotYetAvailable.refuse("sync", missing: "the provider drivers")
    }
}
