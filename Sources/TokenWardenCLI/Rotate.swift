import ArgumentParser

/// `tokenwarden rotate`: Rotate one token now: create, deliver, then revoke the old one.
struct Rotate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rotate one token now: create, deliver, then revoke the old one (not available in this build yet)",
        discussion: """
            TOKEN is PROVIDER/ID or a unique name; the new secret goes where the token's rotate rule says.

            This build does not have the rotation state machine yet, so the command exits 1 without doing anything.
            """
    )

    @OptionGroup var options: ConfigOptions

    func run() throws {
        throw NotYetAvailable.refuse("rotate", missing: "the rotation state machine")
    }
}
