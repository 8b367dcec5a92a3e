/// One `[[notifier]]` of the main config: a channel that tells people, named by id in rules
/// (`notify.to`) and in `[daemon] alert_to`.
public struct Notifier: Sendable, Hashable {
    /// How a message reaches people.
    public enum Channel: Sendable, Hashable {
        /// The system's `sendmail(8)` interface (`sendmail -t -oi`): the local MTA relays and queues.
        case mail(to: [String], from: String?, sendmail: String)
        /// An HTTPS POST (plain http to loopback only), signed with HMAC-SHA256 when a secret is named.
        case webhook(url: String, format: WebhookFormat, secret: CredentialReference?)
        /// A program (argv, no shell) that gets the JSON payload on standard input. Trusted: it runs
        /// with tokenwarden's rights, as delivery commands do.
        case command(argv: [String])
    }

    /// The body a webhook sends.
    public enum WebhookFormat: String, Sendable, Hashable, CaseIterable {
        /// The documented, versioned payload (`tokenwarden.notification/1`).
        case json
        /// `{"text": …}`, which Slack, Mattermost and Rocket.Chat incoming webhooks accept.
        case slack
    }

    public var id: String
    public var channel: Channel
    /// `digest = "daily 09:00"`: gather messages and send them at that time; nil sends each cycle's at once.
    public var digest: DigestWindow?
    /// A webhook's `credential` (and `credential_header`): sent with every POST.
    public var authorization: HeaderCredential?

    /// A credential a webhook receiver wants in a header: `Authorization: Bearer <value>` by default,
    /// or the value alone in a header the receiver names (`X-Api-Key`).
    public struct HeaderCredential: Sendable, Hashable {
        public var credential: CredentialReference
        public var header: String

        public static let defaultHeader = "Authorization"

        public init(credential: CredentialReference, header: String = defaultHeader) {
            self.credential = credential
            self.header = header
        }

        /// The header's value for the credential's `value`.
        public func headerValue(_ value: String) -> String {
            header.lowercased() == "authorization" ? "Bearer " + value : value
        }
    }

    public init(id: String, channel: Channel, digest: DigestWindow? = nil) {
        self.id = id
        self.channel = channel
        self.digest = digest
    }

    /// "webhook", "mail" or "command", as the config writes it.
    public var kind: String {
        switch channel {
        case .mail: "mail"
        case .webhook: "webhook"
        case .command: "command"
        }
    }

    /// The credentials it reads when sending: a webhook's HMAC key and its header credential.
    public var credentials: [CredentialReference] {
        var references: [CredentialReference] = []
        if case .webhook(_, _, let secret?) = channel { references.append(secret) }
        if let authorization { references.append(authorization.credential) }
        return references
    }

    /// The default `sendmail` path (Debian's MTAs all provide it).
    public static let defaultSendmail = "/usr/sbin/sendmail"
}
