/// Every table and key of the main config file, with its default and meaning. The loader takes its
/// allowed keys from here (`names`), and `tokenwarden.toml(5)` is rendered from it, so a key the
/// loader accepts cannot be missing from the manual.
public enum ConfigReference {
    public struct Key: Sendable {
        public let name: String
        /// "none" where there is no default; "required" for a key that must be given.
        public let defaultValue: String
        public let meaning: String
    }

    public struct Table: Sendable {
        /// `[daemon]`, `[[provider]]`, `[[notifier]] kind = "mail"` …
        public let heading: String
        public let about: String
        public let keys: [Key]

        public var names: [String] { keys.map(\.name) }
    }

    static func key(_ name: String, _ defaultValue: String, _ meaning: String) -> Key {
        Key(name: name, defaultValue: defaultValue, meaning: meaning)
    }

    public static let daemon = Table(
        heading: "[daemon]", about: "How the daemon runs; every key may be left out.",
        keys: [
            key(
                "state_directory", "$STATE_DIRECTORY, else /var/lib/tokenwarden",
                "Absolute path; the database is <state_directory>/tokenwarden.sqlite."),
            key(
                "policy_directory", "policies.d beside the config file",
                "Where the policy files (*.toml) are; relative to the config file's directory."),
            key("poll_interval", "\"15m\"", "How often each provider is polled (at least 1s)."),
            key("enforce", "false", "false: decisions are only reported; true: revokes and rotations are carried out."),
            key(
                "max_actions_per_cycle", "10",
                "The blast-radius limit: revokes and new rotations per poll interval, all providers together (0-100000)."),
            key("request_timeout", "\"60s\"", "How long one provider request may take (1s-1h); read at start."),
            key(
                "alert_to", "none",
                "Notifier ids told when something needs an admin (a failed write, a rotation a person must do, the limit reached)."),
            key("alert_after_failing", "\"6h\"", "A provider whose polls have all failed this long is one alert to alert_to."),
            key("give_up_after", "6", "Failed writes of one token in a row after which they wait for `tokenwarden retry`."),
        ])

    public static let provider = Table(
        heading: "[[provider]]", about: "One table per provider instance tokenwarden polls.",
        keys: [
            key("id", "required", "Your name for it, [a-z0-9-]+, unique; used in rules, the journal and --provider."),
            key("kind", "required", "planningcenter, sailpoint, cryptlex, synergy, awx (AWX, Tower, AAP up to 2.4) or aap (the AAP 2.5 gateway)."),
            key("base_url", "required", "Scheme, host, optional port and path prefix; https, or http for loopback only."),
            key("credential", "required", "An absolute path to a 0600 file, or a bare name from $CREDENTIALS_DIRECTORY (LoadCredential=)."),
            key("poll_interval", "[daemon] poll_interval", "This provider's own interval."),
            key(
                "self_token_id", "none",
                "The id of the token tokenwarden signs in with, which policy never revokes or rotates (SailPoint names its own)."),
            key("max_actions_per_cycle", "none", "A tighter blast-radius limit for this provider alone."),
            key("identity", "none", "Who the main credential signs in as, where the API cannot say (Cryptlex)."),
            key("owner", "none", "[[provider.owner]] tables: a credential of another token owner, so that owner's tokens can be rotated."),
            key("max_listing_pages", "20000", "Pages after which one listing is stopped as incomplete."),
            key("max_listing_time", "\"2h\"", "Time after which one listing is stopped as incomplete."),
            key(
                "rotate_own_credential", "none",
                "E.g. \"30d\": that long before its own credential expires, tokenwarden replaces it (enforce = true)."),
        ])

    public static let providerOwner = Table(
        heading: "[[provider.owner]]", about: "A credential of one token owner at the provider above.",
        keys: [
            key("name", "required", "The owner as `tokenwarden tokens` shows it, or the provider's id for it."),
            key("credential", "required", "That owner's credential, as the provider's credential is given."),
        ])

    /// A `[[notifier]]` table of `kind`: its id, kind and digest, and the keys of its own.
    static func notifier(_ kind: String, _ about: String, _ own: [Key]) -> Table {
        Table(
            heading: "[[notifier]] kind = \"\(kind)\"", about: about,
            keys: [key("id", "required", "Its name in notify.to and alert_to."), key("kind", "required", kind)] + own + [
                key("digest", "none", "\"daily HH:MM\": gather a day's messages into one, sent at that time (host time zone).")
            ])
    }

    public static let webhook = notifier(
        "webhook", "A POST of JSON, signed with HMAC-SHA256 when a secret is given.",
        [
            key("url", "required", "Where the POST goes; https, or http for loopback only."),
            key("format", "\"json\"", "json (the versioned payload), or slack ({\"text\": ...}, which Slack, Mattermost and Rocket.Chat accept)."),
            key("secret", "none", "A credential (name or 0600 file) whose value signs each message."),
            key("credential", "none", "A credential sent as Authorization: Bearer, or in credential_header."),
            key("credential_header", "Authorization", "The header the credential goes in."),
        ])

    public static let mail = notifier(
        "mail", "Mail handed to sendmail -t -oi.",
        [
            key("to", "required", "The addresses (user@host) it mails."),
            key("from", "the MTA's default", "The From: address (user@host)."),
            key("sendmail", "/usr/sbin/sendmail", "The sendmail program."),
        ])

    public static let command = notifier(
        "command", "A trusted program given the JSON on standard input.",
        [key("command", "required", "An argv list with an absolute program path; exit 0 within 60 s is success.")])

    public static let owners = Table(
        heading: "[owners]", about: "Where notices to a token's owner go.",
        keys: [
            key(
                "fallback", "none",
                "The notifier id told about tokens whose owner no [[owner]] entry names; required with [[owner]] entries and by "
                    + "notify.to = [\"owner\"] (without entries, every owner's notice goes to it)."),
            key("mail", "none", "The mail notifier that sends to the addresses [[owner]] to gives (and provider_addresses finds)."),
            key("provider_addresses", "false", "true: also use an address in the provider's data (untrusted input)."),
        ])

    public static let owner = Table(
        heading: "[[owner]]", about: "One owner, or a glob of owners, and where their notices go.",
        keys: [
            key("match", "required", "The owner name as the provider lists it, or a shell glob."),
            key("to", "required", "A mail address (sent through [owners] mail) or a notifier id."),
        ])

    public static let metrics = Table(
        heading: "[metrics]", about: "Prometheus metrics; without the table, none are written.",
        keys: [
            key("textfile", "none", "A *.prom file in an existing directory, for node_exporter's textfile collector."),
            key("listen", "none", "A loopback address and port answering GET /metrics with the same text."),
            key("horizon", "\"30d\"", "Tokens expiring within this of now get series of their own."),
        ])

    /// Every table, in the order the manual gives them.
    public static let tables: [Table] = [daemon, provider, providerOwner, webhook, mail, command, owners, owner, metrics]

    /// The top-level names the file may have.
    public static let topLevel = ["daemon", "provider", "notifier", "owners", "owner", "metrics"]
}
