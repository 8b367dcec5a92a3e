import Foundation
import TokenWardenCore

/// The yes/no question before an admin's command writes to a provider.
/// Scripts pass `--yes`; without a terminal to ask on, the command refuses rather than guess.
enum Confirmation {
    /// True with `yes`; otherwise asks on the terminal. `verb` names the flag's purpose in the refusal.
    static func ask(_ question: String, yes: Bool, verb: String) throws -> Bool {
        if yes { return true }
        guard isatty(STDIN_FILENO) == 1 else {
            throw Refusal("standard input is not a terminal, so tokenwarden cannot ask for confirmation; add --yes to \(verb)")
        }
        FileHandle.standardError.write(Data("\(question.terminalSafe) [y/N] ".utf8))
        return ["y", "yes"].contains(readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? "")
    }
}
