import ArgumentParser
import Testing

@testable import TokenWardenCLI

/// `--help` prints each command's discussion 80 columns wide (without a terminal). Prose wraps well;
/// an indented line (a table row, an example command) that wraps breaks in the middle of a cell or a
/// command an admin copies, as `simulate --help` did with its example.
@Suite struct HelpLayoutTests {
    @Test func noTableRowOrExampleInAnyHelpIsWiderThanEightyColumns() {
        var commands: [any ParsableCommand.Type] = [TokenWarden.self]
        var index = 0
        while index < commands.count {
            commands += commands[index].configuration.subcommands
            index += 1
        }
        #expect(commands.count > 10)
        for command in commands {
            let rows = command.configuration.discussion.split(separator: "\n").filter { $0.hasPrefix("  ") }
            for row in rows where row.count > 80 {
                Issue.record("`\(command.configuration.commandName ?? "tokenwarden") --help` wraps this line mid-row (\(row.count) columns): \(row)")
            }
        }
    }
}
