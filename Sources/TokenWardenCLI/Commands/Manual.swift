import ArgumentParser

/// `tokenwarden manual`: the man page, rendered from the same help every subcommand prints, so
/// the page can never disagree with `--help`. Hidden: packaging runs it, admins read `man tokenwarden`.
/// Hand-rendered because ArgumentParser's own generator is a package plugin that rebuilds the
/// whole dependency graph (minutes) just to print this.
struct Manual: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manual",
        abstract: "Print the tokenwarden(1) man page in roff.",
        shouldDisplay: false
    )

    func run() {
        print(Self.render())
    }

    static func render() -> String {
        let root = TokenWarden.configuration
        var page = [
            ".TH TOKENWARDEN 1 \"\" \"tokenwarden \(root.version)\" \"System Administration\"",
            ".SH NAME",
            "tokenwarden \\- \(escape(root.abstract))",
            ".SH SYNOPSIS",
            ".B tokenwarden",
            ".I command",
            "[\\fIoptions\\fR]",
            ".SH DESCRIPTION",
        ]
        page += paragraphs(root.discussion)
        page.append(".SH COMMANDS")
        for command in root.subcommands where command.configuration.shouldDisplay {
            let name = command.configuration.commandName ?? command._commandName
            page.append(".SS \(escape(name))")
            page += paragraphs(TokenWarden.helpMessage(for: command, columns: 100))
        }
        page += [
            ".SH FILES", ".TP", "/etc/tokenwarden/tokenwarden.toml", "main configuration",
            ".TP", "/etc/tokenwarden/policies.d/*.toml", "policy rules",
            ".TP", "/var/lib/tokenwarden/tokenwarden.sqlite", "token inventory, history and audit trail",
            ".SH SEE ALSO", "journalctl(1), systemctl(1), systemd.exec(5)",
        ]
        return page.joined(separator: "\n")
    }

    /// Help text kept as preformatted blocks, so its columns and examples survive.
    static func paragraphs(_ text: String) -> [String] {
        [".nf"] + text.split(separator: "\n", omittingEmptySubsequences: false).map { escape(String($0)) } + [".fi"]
    }

    /// roff needs backslashes doubled and lines never starting with "." or "'".
    static func escape(_ line: String) -> String {
        let text = line.replacingOccurrences(of: "\\", with: "\\\\")
        return text.hasPrefix(".") || text.hasPrefix("'") ? "\\&" + text : text
    }
}
