import TokenWardenConfig

extension Manual {
    /// `tokenwarden.toml(5)`: every table and key of the main config file, from the loader's own
    /// key tables (`ConfigReference`), with each default.
    static func renderConfigPage() -> String {
        var page = [
            ".TH TOKENWARDEN.TOML 5 \"\" \"tokenwarden \(escape(Self.version))\" \"File Formats\"",
            ".SH NAME",
            "tokenwarden.toml \\- the main configuration of tokenwarden",
            ".SH SYNOPSIS",
            "/etc/tokenwarden/tokenwarden.toml",
            ".SH DESCRIPTION",
            "A TOML file: the daemon's settings, the providers it polls with their credentials, the notifiers",
            "it tells and its metrics. Unknown keys are errors, never ignored; every problem is reported with",
            "its file and line, all at once, by",
            ".BR \"tokenwarden validate\" .",
            "Durations are written with a unit in quotes: \"90s\", \"15m\", \"6h\", \"30d\".",
            "The policy rules are separate files in the policy directory: see tokenwarden-policies(5).",
        ]
        for table in ConfigReference.tables { page += section(table, prefix: "") }
        page += [".SH EXAMPLE", ".nf"] + Self.configExample.split(separator: "\n", omittingEmptySubsequences: false).map { escape(String($0)) }
        page += [".fi", ".SH SEE ALSO", "tokenwarden(1), tokenwarden-policies(5), systemd.exec(5) (LoadCredential=)"]
        return page.joined(separator: "\n")
    }

    static let configExample = """
        [daemon]
        poll_interval = "15m"
        enforce = false
        alert_to = ["ops"]

        [[provider]]
        id = "awx-main"
        kind = "awx"
        base_url = "https://awx.example.com"
        credential = "awx-main"          # a LoadCredential= name
        self_token_id = "42"

        [[notifier]]
        id = "ops"
        kind = "mail"
        to = ["ops@example.com"]
        """
}
