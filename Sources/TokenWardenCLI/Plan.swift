import ArgumentParser

/// `tokenwarden plan`: Show what the next cycle would do.
struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what the next cycle would do (not available in this build yet)",
        discussion: """
            Evaluates the policies against the stored inventory and prints, per rule, which tokens would be notified about, revoked or rotated.

            This build does not have the policy engine yet, so the command exits 1 without doing anything.
            """
    )

    @OptionGroup var options: ConfigOptions

    func run() throws {
        throw NotYetAvailable.refuse("plan", missing: "the policy engine")
    }
}
