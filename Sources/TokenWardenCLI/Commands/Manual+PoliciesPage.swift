import TokenWardenConfig
import TokenWardenCore

extension Manual {
    /// `tokenwarden-policies(5)`: every key of a policy file from the loader's own key tables
    /// (`PolicyReference`), each action, and what each provider kind can serve (`ProviderKind`).
    static func renderPoliciesPage() -> String {
        var page = [
            ".TH TOKENWARDEN-POLICIES 5 \"\" \"tokenwarden \(escape(Self.version))\" \"File Formats\"",
            ".SH NAME",
            "tokenwarden-policies \\- the policy rules of tokenwarden",
            ".SH SYNOPSIS",
            "/etc/tokenwarden/policies.d/*.toml",
            ".SH DESCRIPTION",
            "Every *.toml file in the policy directory ([daemon] policy_directory) is read in byte order of its name,",
            "so 10-expiry.toml comes before 20-stale.toml; other files and dot-files are ignored, and a missing",
            "directory means no rules. Each file holds [[rule]] tables. A rule fires for a token when all of its",
            "when.* triggers hold and every match.* filter selects the token. Unknown keys are errors; every",
            "problem is reported with its file and line, all at once, by",
            ".BR \"tokenwarden validate\" ,",
            "and a reload (systemctl reload tokenwarden) that finds a broken file keeps the rules it had.",
            ".PP",
            "Nothing is written to a provider until [daemon] enforce = true in tokenwarden.toml: until then every",
            "decision is reported only.",
            ".BR \"tokenwarden plan\"",
            "shows what the rules decide today.",
        ]
        page += section(PolicyReference.rule, prefix: "")
        for table in PolicyReference.innerTables { page += section(table, prefix: table.heading + ".") }
        page.append(".SH ACTIONS")
        for action in RuleAction.allCases {
            let needs = action.requiredCapabilities.names
            page += [
                ".TP", ".B \(action.rawValue)",
                inline(PolicyReference.meaning(of: action) + (needs.isEmpty ? "" : " Needs the provider's \(needs.joined(separator: " and ")).")),
            ]
        }
        page += [".SH PROVIDERS", "What each kind of provider reports and can do decides which rules can run there."]
        for kind in ProviderKind.allCases {
            let has = kind.capabilities.names
            page += [
                ".TP", ".B \(kind.rawValue)", escape("\(kind.displayName): " + (has.isEmpty ? "none of them" : has.joined(separator: ", ")) + "."),
            ]
        }
        page += [
            ".PP",
            escape(
                Self.everyTrigger.map { "\($0.key) needs \($0.requiredCapabilities.names.joined(separator: " and "))" }
                    .joined(separator: "; ") + "."),
            "A rule naming a provider that lacks what one of its triggers or its action needs is an error; a rule without",
            "match.provider runs only on the providers that can serve it: validate lists the providers each rule skips, and why",
            "(a rule that no provider can serve is not an error, but it never fires).",
            "Planning Center reports none of these facts, so no rule fires there: its tokens are listed for inventory only.",
        ]
        page += [".SH WINDOWS"] + Self.windowsText.split(separator: "\n").map { escape(String($0)) }
        page += [".SH HOW POLICY DECIDES"] + Self.decisionRules.flatMap { [".IP \\(bu 2", inline($0)] }
        page += [".SH EXAMPLE", ".nf"] + Self.policiesExample.split(separator: "\n", omittingEmptySubsequences: false).map { escape(String($0)) }
        page += [".fi", ".SH SEE ALSO", "tokenwarden(1), tokenwarden.toml(5)"]
        return page.joined(separator: "\n")
    }

    /// One trigger of each kind, for what each needs of a provider (the spans do not matter).
    static let everyTrigger: [Trigger] = [.expiresWithin(.days(1)), .expired, .unusedFor(.days(1)), .ageOver(.days(1))]

    static let windowsText = """
        A window is days and hours: a day (Mon ... Sun), a range (Mon-Fri) or a comma list (Mon,Wed,Fri-Sun),
        then HH:MM-HH:MM in 24-hour time, the end after the start (24:00 is midnight; for a window across
        midnight write two). The hours are the daemon's local time (the unit's TZ, else the host's). Outside
        every window a decision is held outside-window, reported once with the next opening, and carried out
        at the first cycle inside a window. tokenwarden plan prints that opening in UTC, or with --local-time
        in the shell's time zone.
        """

    static let decisionRules = [
        "Revoked and gone tokens are never acted on; expired tokens are never rotated.",
        "A token with no last use, on a provider that reports last use, counts as unused since its creation.",
        "When several rules fire for one token, the strongest action wins (revoke, then rotate, then notify).",
        "The tokens tokenwarden signs in with (self_token_id, SailPoint's PAT, or the successor rotate_own_credential made) "
            + "are never revoked or rotated by policy.",
        "At most [daemon] max_actions_per_cycle revokes and rotations are carried out per poll interval.",
        "A rotation is held for a person when tokenwarden holds no credential of the token's owner, "
            + "or when one destination would serve several tokens.",
        "A snoozed or exempt token (`tokenwarden snooze`, `tokenwarden exempt`) gets no notice and is neither revoked nor rotated.",
        "`tokenwarden pause` (every provider or one) holds every revoke, rotation and delivery until `tokenwarden resume` or its --until.",
    ]

    static let policiesExample = """
        [[rule]]
        name = "expiry-notice"
        when.expires_within = ["30d", "7d", "1d"]
        action = "notify"
        notify.to = ["owner", "ops"]

        # when.unused_for needs last-use data (SailPoint, Cryptlex, AAP)
        [[rule]]
        name = "stale-ci"
        match.name = "ci-*"
        when.unused_for = "90d"
        action = "revoke"

        [[rule]]
        name = "rotate-deploy"
        match.name = "deploy-*"
        when.age_over = "180d"
        action = "rotate"
        deliver.command = ["/usr/local/bin/install-token", "{token_id}"]
        window = ["Mon-Fri 09:00-16:00"]
        """
}
