import ArgumentParser
import TokenWardenCore

/// `tokenwarden approve TOKEN --reason TEXT`.
struct Approve: ConfiguredCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Let a revoke or rotation that waits for approval go ahead.",
        discussion: """
            TOKEN is PROVIDER/ID (a token name is not taken: names are the provider's text); \
            `tokenwarden approvals` lists what waits. The request answered is shown and asked \
            about (--yes skips the question; --rule and --action make sure it is the one you \
            mean). The approval holds for the facts it was given for, for the \
            rule's approval_expires (default 7d): the daemon's next cycle carries the action out, \
            within the blast-radius limit, a window and a pause as always. Who approved (SUDO_USER \
            and uid) and why go into the audit trail.

            Example:
              sudo tokenwarden approve awx-main/42 --reason "CHG-3121: unused"
            """
    )

    @OptionGroup var options: ConfigOptions

    @OptionGroup var answer: AnswerOptions

    func run(_ context: CommandContext) async throws {
        try Approvals.answer(.approved, options: answer, context: context)
    }
}
