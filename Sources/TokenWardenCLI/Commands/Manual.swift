import ArgumentParser
import TokenWardenConfig

/// `tokenwarden manual`: the man page, rendered from the same help every subcommand prints, so
/// the page can never disagree with `--help`. Hidden: packaging runs it, admins read `man tokenwarden`.
/// Hand-rendered because ArgumentParser's own generator is a package plugin that rebuilds the
/// whole dependency graph (minutes) just to print this.
struct Manual: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manual",
        abstract: "Print the tokenwarden(1) man page, tokenwarden.toml(5) or tokenwarden-policies(5), in roff.",
        shouldDisplay: false
    )

    enum Page: String, ExpressibleByArgument, CaseIterable {
        case tokenwarden
        case configuration = "tokenwarden.toml"
        case policies = "tokenwarden-policies"
    }

    @Option(help: "The page: tokenwarden (section 1), tokenwarden.toml or tokenwarden-policies (section 5).")
    var page: Page = .tokenwarden

    func run() {
        switch page {
        case .tokenwarden: print(Self.render())
        case .configuration: print(Self.renderConfigPage())
        case .policies: print(Self.renderPoliciesPage())
        }
    }

    static func render() -> String {
        let root = TokenWarden.configuration
        var page = [
            ".TH TOKENWARDEN 1 \"\" \"tokenwarden \(escape(Self.version))\" \"System Administration\"",
            ".SH NAME",
            // As man pages name themselves: "keeps personal access tokens from rotting", no full stop.
            "tokenwarden \\- \(escape(root.abstract.prefix(1).lowercased() + root.abstract.dropFirst().trimmingCharacters(in: ["."])))",
            ".SH SYNOPSIS",
            ".B tokenwarden",
            ".I command",
            "[\\fIoptions\\fR]",
            ".SH DESCRIPTION",
        ]
        page += filled(root.discussion)
        page.append(".SH COMMANDS")
        for command in root.subcommands where command.configuration.shouldDisplay {
            let name = command.configuration.commandName ?? command._commandName
            page.append(".SS \(escape(name))")
            // 72 columns and man's indent of 7 fit a terminal of 80.
            page += paragraphs(wrappingUsage(TokenWarden.helpMessage(for: command, columns: 72), columns: 72))
        }
        page += [".SH EXIT STATUS"] + items(Self.exitStatus)
        page += [".SH ENVIRONMENT"] + items(Self.environment)
        page += [".SH FILES"] + items(Self.files)
        page += [
            ".SH SEE ALSO",
            "tokenwarden.toml(5), tokenwarden-policies(5), journalctl(1), systemctl(1), systemd.exec(5), systemd.unit(5), systemd-creds(1)",
        ]
        return page.joined(separator: "\n")
    }

    /// The version for a page's footer, without the commit `--version` adds after it (the footer
    /// has room for about 30 columns).
    static var version: String { String(TokenWarden.configuration.version.prefix { $0 != " " }) }

    static let exitStatus: [(String, String)] = [
        ("0", "success"),
        ("1", "a failure: a provider could not be polled, an action failed, or a check found a problem"),
        ("2", "a usage error, or an invalid configuration or policy (each problem with its file:line)"),
    ]

    static let environment: [(String, String)] = [
        ("TOKENWARDEN_CONFIG", "the main config file when --config is not given (default /etc/tokenwarden/tokenwarden.toml)"),
        ("CREDENTIALS_DIRECTORY", "set by systemd's LoadCredential=: where a bare credential name is looked up"),
        ("STATE_DIRECTORY", "set by systemd's StateDirectory=: the state directory when [daemon] state_directory is not set"),
        ("NOTIFY_SOCKET, WATCHDOG_USEC", "set by systemd for Type=notify and WatchdogSec=: READY=1, STATUS= and the watchdog"),
        ("JOURNAL_STREAM, INVOCATION_ID", "set by systemd: the daemon logs structured journal entries instead of text"),
        ("SUDO_USER, SUDO_UID", "who ran a command through sudo, kept in the audit trail with the uid"),
        ("TZ", "the time zone of rule windows, digest windows, forecast weeks and --until days"),
    ]

    static let files: [(String, String)] = [
        ("/etc/tokenwarden/tokenwarden.toml", "main configuration"),
        ("/etc/tokenwarden/policies.d/*.toml", "policy rules, read in name order (tokenwarden-policies(5))"),
        ("/var/lib/tokenwarden/tokenwarden.sqlite", "token inventory, history and audit trail"),
        ("/var/lib/tokenwarden/rotations/", "the rotation spool and lock: a new secret for the seconds of its delivery"),
        ("/var/lib/tokenwarden/own-credentials/", "successors of its own credentials that rotate_own_credential made (0600)"),
        ("/usr/lib/systemd/system/tokenwarden.service", "the unit; credentials come through a drop-in's LoadCredential="),
        ("/usr/lib/systemd/catalog/tokenwarden.catalog", "what each journal entry means, for journalctl -x"),
    ]

    /// One `.SH` for a table of either section-5 page: each key as `prefix + name`, with its default.
    /// A macro's arguments are split at quotes: `\(dq` is the character itself.
    static func section(_ table: ConfigReference.Table, prefix: String) -> [String] {
        [".SH \(escape(prefix.isEmpty ? table.heading : prefix + "*").replacingOccurrences(of: "\"", with: "\\(dq"))", inline(table.about)]
            + table.keys.flatMap { [".TP", ".B \(escape(prefix + $0.name))", "(default: \(escape($0.defaultValue))) \(inline($0.meaning))"] }
    }

    /// `.TP` items: a term, then its text.
    static func items(_ pairs: [(String, String)]) -> [String] {
        pairs.flatMap { [".TP", ".B \(escape($0.0))", escape($0.1)] }
    }

    /// Prose paragraphs filled to the reader's width; a paragraph of indented lines (examples) is
    /// kept as it is.
    static func filled(_ text: String) -> [String] {
        text.components(separatedBy: "\n\n").flatMap { paragraph -> [String] in
            let lines = paragraph.split(separator: "\n").map(String.init)
            if lines.dropFirst().contains(where: { $0.hasPrefix(" ") }) { return [".PP"] + paragraphs(paragraph) }
            return [".PP", inline(lines.joined(separator: " "))]
        }
    }

    /// ArgumentParser leaves the USAGE line whole however long it is: it is broken between options
    /// (never inside `[...]`), each further line indented under the command.
    static func wrappingUsage(_ help: String, columns: Int) -> String {
        help.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.hasPrefix("USAGE: "), line.count > columns else { return String(line) }
            var options: [String] = []
            var depth = 0
            for word in line.split(separator: " ") {
                if depth == 0 { options.append(String(word)) } else { options[options.count - 1] += " " + word }
                depth += word.filter { $0 == "[" }.count - word.filter { $0 == "]" }.count
            }
            var lines = [options.removeFirst()]
            for option in options {
                if lines[lines.count - 1].count + 1 + option.count > columns {
                    lines.append("       " + option)
                } else {
                    lines[lines.count - 1] += " " + option
                }
            }
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// Help text kept as preformatted blocks, so its columns and examples survive.
    static func paragraphs(_ text: String) -> [String] {
        [".nf"] + text.split(separator: "\n", omittingEmptySubsequences: false).map { escape(String($0)) } + [".fi"]
    }

    /// `escape`d, with each `command` in backticks set in bold, as man pages show commands.
    static func inline(_ text: String) -> String {
        let parts = escape(text).split(separator: "`", omittingEmptySubsequences: false)
        guard parts.count % 2 == 1 else { return escape(text) }
        return parts.enumerated().map { $0.offset % 2 == 1 ? "\\fB\($0.element)\\fR" : String($0.element) }.joined()
    }

    /// roff needs backslashes doubled and lines never starting with "." or "'".
    static func escape(_ line: String) -> String {
        let text = line.replacingOccurrences(of: "\\", with: "\\\\")
        return text.hasPrefix(".") || text.hasPrefix("'") ? "\\&" + text : text
    }
}
