import ArgumentParser

/// What `approve` and `deny` answer: the token (PROVIDER/ID only: a name is the provider's text),
/// why, and optionally the rule and action the admin means, so that an approval asked anew
/// meanwhile (other facts, another rule) is not answered by mistake.
struct AnswerOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("PROVIDER/ID of the token (`tokenwarden approvals` lists them).", valueName: "token"))
    var token: String

    @Option(help: ArgumentHelp("Why: kept in the audit trail (`tokenwarden history TOKEN`).", valueName: "text"))
    var reason: String

    @Option(help: ArgumentHelp("Answer only if the approval is for this rule.", valueName: "name"))
    var rule: String?

    @Option(help: ArgumentHelp("Answer only if the approval is for this action (revoke or rotate).", valueName: "action"))
    var action: String?

    @Flag(help: "Do not ask for confirmation (scripts: give --rule and --action to bind the answer).")
    var yes = false

    func validate() throws {
        if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw ValidationError("--reason must say why") }
        guard token.contains("/") else {
            throw ValidationError(
                "give the token as PROVIDER/ID (`tokenwarden approvals` lists them), not \"\(token)\": a name is the provider's text")
        }
        if let action, !["revoke", "rotate"].contains(action) { throw ValidationError("--action must be revoke or rotate, not \"\(action)\"") }
    }
}
