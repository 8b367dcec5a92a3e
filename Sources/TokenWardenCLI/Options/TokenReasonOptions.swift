import ArgumentParser

/// The token and the reason that `snooze` and `exempt` take.
struct TokenReasonOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("PROVIDER/ID or a unique token name.", valueName: "token"))
    var token: String

    @Option(help: ArgumentHelp("Why: kept in the audit trail (`tokenwarden history TOKEN`).", valueName: "text"))
    var reason: String

    func validate() throws {
        if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw ValidationError("--reason must say why") }
    }
}
