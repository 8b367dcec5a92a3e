import ArgumentParser
import Foundation
import TokenWardenConfig
import TokenWardenCore

/// The `tokenwarden` command: the daemon and every admin tool, one subcommand per file.
/// Its `main` maps usage errors to exit code 2, as the CLI promises (ArgumentParser's default is 64).
/// Every subcommand names itself (`commandName:`): deriving the name from the type costs a runtime
/// conformance scan of this large static binary per command, ~6 ms of each start (perf, `make bench`).
public struct TokenWarden: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "tokenwarden",
        abstract: "Keeps personal access tokens from rotting.",
        discussion: """
            tokenwarden polls the token APIs of Planning Center, SailPoint Identity Security Cloud, \
            Cryptlex, 12d Synergy, AWX/Tower and the AAP gateway, records every token's created / \
            last-used / expiry facts with \
            history, and applies your policy files: warn before expiry, revoke unused tokens, rotate old \
            ones. It is report-only until `enforce = true`.

            Start here:
              tokenwarden validate               check the config and policies
              tokenwarden tokens --expiring 14d  what expires soon
              tokenwarden history deploy-bot     what happened to a token

            Exit codes: 0 ok, 1 failure, 2 usage error or invalid configuration.
            """,
        // CHANGELOG.md's top version and the commit (scripts/version-stamp, run by the VersionStamp plugin).
        version: "\(buildVersion) (commit \(buildCommit))",
        subcommands: [
            Daemon.self, Demo.self, Validate.self, Plan.self, Sync.self, Tokens.self, Show.self,
            History.self, Status.self, Outbox.self, Report.self, Snooze.self, Exempt.self, Unsnooze.self, Revoke.self, Rotate.self, Retry.self,
            PauseWrites.self, ResumeWrites.self, Approvals.self, Approve.self, Deny.self, ForecastCommand.self, Backup.self,
            Rehearse.self,
            Simulate.self,
            Manual.self, SimulatedSendmail.self,
        ]
    )

    public init() {}

    /// "unknown command "statsu"; did you mean "status"?" when the first argument names no
    /// subcommand (ArgumentParser only says the argument is unexpected).
    static func unknownCommand(_ arguments: [String]) -> String? {
        guard arguments.count > 1, let word = arguments.dropFirst().first, !word.hasPrefix("-") else { return nil }
        let names = configuration.subcommands.filter { $0.configuration.shouldDisplay }.compactMap { $0.configuration.commandName }
        guard !configuration.subcommands.contains(where: { $0.configuration.commandName == word }) else { return nil }
        let hint = NearestWord.suggestion(for: word, among: names).map { "; did you mean \"\($0)\"?" } ?? ""
        return "tokenwarden: unknown command \"\(word.terminalSafe)\"\(hint)\n"
            + "The commands: \(names.joined(separator: ", ")) (`tokenwarden --help` says what each does)"
    }

    public static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                if let unknown = unknownCommand(CommandLine.arguments) {
                    FileHandle.standardError.write(Data((unknown + "\n").utf8))
                } else {
                    FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                }
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
