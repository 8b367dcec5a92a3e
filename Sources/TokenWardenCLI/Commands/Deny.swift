import ArgumentParser
import TokenWardenCore

/// `tokenwarden deny TOKEN --reason TEXT`.
struct Deny: ConfiguredCommand {
    static let configuration = CommandConfiguration(
        commandName: "deny",
        abstract: "Refuse a revoke or rotation that waits for approval.",
        discussion: """
            The decision stays held as denied while the token's facts stay the same; when they \
            change, or after the rule's approval_expires, a new approval is asked for. Who denied \
            and why go into the audit trail.

            Example:
              sudo tokenwarden deny awx-main/42 --reason "still used by the nightly backup"
            """
    )

    @OptionGroup var options: ConfigOptions

    @OptionGroup var answer: AnswerOptions

    func run(_ context: CommandContext) async throws {
        try Approvals.answer(.denied, options: answer, context: context)
    }
}
