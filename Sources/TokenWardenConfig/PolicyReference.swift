import TokenWardenCore

/// Every key of a policy file's `[[rule]]` and of its `match`, `when`, `deliver` and `notify` tables,
/// with its default and meaning. `PolicyLoader` takes its allowed keys from here, and
/// `tokenwarden-policies(5)` is rendered from it, so a key the loader accepts cannot be missing from
/// the manual. Actions are described by `meaning(of:)`, a switch the compiler keeps complete.
public enum PolicyReference {
    public typealias Table = ConfigReference.Table

    static func key(_ name: String, _ defaultValue: String, _ meaning: String) -> ConfigReference.Key {
        ConfigReference.key(name, defaultValue, meaning)
    }

    public static let rule = Table(
        heading: "[[rule]]", about: "One table per rule; a file may hold any number of them.",
        keys: [
            key("name", "required", "Unique across all policy files; letters, digits, \".\", \"_\" and \"-\". The journal and plan name it."),
            key("match", "every token", "Which tokens the rule looks at (the match.* keys below)."),
            key("when", "required", "The triggers (the when.* keys below): at least one, and the rule fires only when all of them hold."),
            key("action", "required", "notify, revoke or rotate (see ACTIONS)."),
            key("deliver", "required with rotate", "Where a rotation's new secret goes (the deliver.* keys below); rotate only."),
            key("overlap", "\"\(Rule.defaultOverlap)\"", "rotate only: how long the old token stays valid after the new secret is delivered."),
            key(
                "revoke_old", "\"after-overlap\"",
                "rotate only: \"after-overlap\" revokes the old token once overlap has passed; \"when-successor-used\" waits until "
                    + "the provider reports the successor used (only on providers that report last use)."),
            key(
                "switch_over_deadline", "\"\(SwitchOver.defaultDeadline)\"",
                "With revoke_old = \"when-successor-used\": a successor still unused this long after delivery stalls the switch-over "
                    + "(one alert; the old token stays valid until a use is seen or `tokenwarden rotate --finish`)."),
            key(
                "notify", "none (the journal only)",
                "Who is told (the notify.* keys below): notices, stalled switch-overs, requests for approval; not on a revoke rule "
                    + "without approve (failed revokes go to [daemon] alert_to)."),
            key(
                "window", "always",
                "When the rule may act, a list such as [\"Mon-Fri 09:00-16:00\", \"Sat 10:00-12:00\"] in the daemon's local time "
                    + "(see WINDOWS)."),
            key(
                "approve", "false",
                "revoke and rotate only: true holds each write until a person runs `tokenwarden approve`. notify.to is told of each "
                    + "request (notifiers only); without it, the journal (approval-requested) and `tokenwarden approvals` show them."),
            key(
                "approval_expires", "\"\(Approval.defaultExpiry)\"",
                "With approve = true: how long an approval is asked for, and valid once given (1h to 90d)."),
        ])

    public static let match = Table(
        heading: "match", about: "Filters; a token is selected when every filter given selects it. Each takes a string or a list.",
        keys: [
            key("provider", "every provider that can serve the rule", "Provider ids from the main config."),
            key(
                "name", "any name",
                "Shell globs on the token's name, or on its lineage's name, so a rule keeps selecting the successors it rotated: "
                    + "\"ci-*\", \"build-??\", \"[a-c]*\"."),
            key("owner", "any owner", "Shell globs on the token's owner, as `tokenwarden tokens` shows it."),
            key("scope", "any scopes", "The token has at least one of these scopes."),
        ])

    public static let when = Table(
        heading: "when", about: "Triggers; durations are \"90d\", \"12h\", \"30m\", \"45s\", \"2w\", \"1h30m\" or ISO 8601 (\"P90D\").",
        keys: [
            key(
                "expires_within", "none",
                "The token expires within this span and has not expired yet. A notify rule may give a list of lead times "
                    + "([\"30d\", \"7d\", \"1d\"]): one notice at each."),
            key("expired", "none", "true: the token's expiry has passed."),
            key("unused_for", "none", "No use for this long; a token never used counts from its creation."),
            key("age_over", "none", "Created longer ago than this."),
        ])

    public static let deliver = Table(
        heading: "deliver", about: "rotate only: exactly one of deliver.file and deliver.command.",
        keys: [
            key(
                "file", "none",
                "An absolute path the new secret is written to atomically (temporary file, fsync, rename), without a trailing "
                    + "newline; never inside the state directory. One file serves one token: a rule whose file would receive "
                    + "several tokens' secrets rotates none of them (narrow match, or use deliver.command with {token_id})."),
            key(
                "command", "none",
                "An argv list with an absolute program path, no shell; the secret arrives on standard input and exit 0 is success. "
                    + "{token_id} in an argument becomes the old token's id."),
            key(
                "owner", "the daemon's user",
                "With file: \"user\" or \"user:group\" (names or numeric ids) the file is given to, looked up when it is written; "
                    + "under the shipped unit this needs the deliver-owner.conf drop-in (CAP_CHOWN)."),
            key("mode", "\"0600\"", "With file: its mode, as a string; others may never have access."),
            key("timeout", "\"\(Delivery.defaultTimeout)\"", "With command: how long it may run before it is stopped and the delivery failed."),
        ])

    public static let notify = Table(
        heading: "notify", about: "Recipients: [[notifier]] ids from the main config, or \"owner\" (the token's owner, through [owners]).",
        keys: [
            key("to", "required in a notify table", "Who is told: the notice, a stalled switch-over, what waits for approval."),
            key(
                "escalate_to", "none",
                "Also told when a token reaches a later lead time (or expires) and was neither rotated, renewed nor snoozed since "
                    + "the earlier notice."),
        ])

    /// The tables under a rule's keys, in the order the manual gives them: `match.provider` …
    public static let innerTables: [Table] = [match, when, deliver, notify]

    /// What an action does, for the manual; a new action fails to compile until it is described here.
    public static func meaning(of action: RuleAction) -> String {
        switch action {
        case .notify:
            "Tells the notify.to recipients when the rule first fires, and again when the token's facts change (once at each "
                + "lead time); report-only or not."
        case .revoke:
            "Revokes the token at the provider (enforce = true); report-only otherwise. Failures go to [daemon] alert_to."
        case .rotate:
            "With enforce = true: creates a successor with the same owner and scopes and a distinct name, delivers its secret, "
                + "then revokes the old token (see revoke_old). It signs in as the token's owner, so the main config needs a "
                + "[[provider.owner]] credential of each owner whose tokens the rule selects. Expired tokens are never rotated."
        }
    }
}
