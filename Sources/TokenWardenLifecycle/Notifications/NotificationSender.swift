import Crypto
import Foundation
import TokenWardenConfig
import TokenWardenCore
import TokenWardenProviders
import TokenWardenStore

/// Sends one queued message through its notifier's channel. One attempt; the outbox retries.
/// Every channel carries the message's idempotency key, so a repeat after a crash between sending
/// and recording is recognisable as the same message.
public struct NotificationSender: Sendable {
    let http: ProviderHTTPClient
    let credentials: CredentialLoader
    /// The text of mail and chat messages.
    let templates: NotificationTemplates
    /// How long a mail or command notifier may take.
    static let commandTimeout = TimeSpan(seconds: 60)

    public init(http: ProviderHTTPClient, credentials: CredentialLoader = CredentialLoader(), templates: NotificationTemplates = .builtIn) {
        self.http = http
        self.credentials = credentials
        self.templates = templates
    }

    /// Sends `message` through `notifier` at `now` (the webhook signature's timestamp), or throws
    /// why it did not go.
    public func send(_ message: OutboxMessage, via notifier: Notifier, at now: Date = Date()) async throws {
        let payload = Data(message.payload.utf8)
        switch notifier.channel {
        case .webhook(let url, let format, let secret):
            let body: [UInt8] =
                switch format {
                case .json: Array(payload)
                case .slack: Array(slackBody(message).utf8)
                }
            let timestamp = String(Int64(now.timeIntervalSince1970))
            var headers = [
                ("Content-Type", "application/json"), ("X-Tokenwarden-Idempotency-Key", message.idempotencyKey),
                ("X-Tokenwarden-Timestamp", timestamp),
            ]
            // What a receiver that echoes its request must not make us log: the key, the credential,
            // and the URL's path and query (Slack's and Mattermost's hook URLs carry their key there).
            var secrets: [Secret] = []
            if let components = URLComponents(string: url) {
                let path = components.percentEncodedPath + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
                if path.count > 1 { secrets.append(Secret(path)) }
                if let query = components.percentEncodedQuery { secrets.append(Secret(query)) }
            }
            if let secret {
                let key = try credentials.loadKey(secret)
                secrets.append(key)
                headers.append(("X-Tokenwarden-Signature-256", Self.signature(of: body, timestamp: timestamp, key: key)))
            }
            if let authorization = notifier.authorization {
                let value = try credentials.loadKey(authorization.credential)
                let header = authorization.headerValue(value.reveal())
                secrets += [value, Secret(header)]
                headers.append((authorization.header, header))
            }
            try await http.post(url, body: body, headers: headers, secrets: secrets)
        case .mail(let to, let from, let sendmail):
            let mail = mail(message, to: message.recipient.map { [$0] } ?? to, from: from)
            // HOME too: user-level MTAs (msmtp, ssmtp) read their configuration from it.
            var environment = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"]
            if let home = ProcessInfo.processInfo.environment["HOME"] { environment["HOME"] = home }
            try await ChildProcess.run(
                [sendmail, "-t", "-oi"], input: { Array(mail.utf8) }, environment: environment, timeout: Self.commandTimeout,
                outputNote: "its output is not kept")
        case .command(let argv):
            try await ChildProcess.run(
                argv, input: { Array(payload) },
                environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "TOKENWARDEN_IDEMPOTENCY_KEY": message.idempotencyKey],
                timeout: Self.commandTimeout, outputNote: "its output is not kept")
        }
    }

    /// `sha256=` and the hex HMAC-SHA256 of `timestamp.body` (the `X-Tokenwarden-Timestamp` value, a
    /// dot, the body), as Slack and Stripe sign: the receiver computes the same with the shared key,
    /// compares in constant time, and refuses a timestamp more than 5 minutes from its clock, so a
    /// captured request cannot be replayed later.
    public static func signature(of body: [UInt8], timestamp: String, key: Secret) -> String {
        let signed = Array((timestamp + ".").utf8) + body
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Data(key.reveal().utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// The message's text from its template; the subject alone if the payload cannot be read.
    func text(of message: OutboxMessage, format: NotificationTemplates.Format = .plain) -> String {
        guard let payload = try? JSONDecoder().decode(NotificationPayload.self, from: Data(message.payload.utf8)) else {
            return NotificationTemplates.escape(message.subject, for: format)
        }
        return templates.render(payload, format: format)
    }

    /// `{"text": …}` for Slack, Mattermost and Rocket.Chat.
    func slackBody(_ message: OutboxMessage) -> String {
        let text = text(of: message, format: .slack)
        let encoded = (try? JSONEncoder().encode(["text": text])).map { String(decoding: $0, as: UTF8.self) }
        return encoded ?? "{}"
    }

    /// An RFC 5322 message for `sendmail -t`: the recipients in `To:`, the idempotency key in `Message-ID:`.
    func mail(_ message: OutboxMessage, to: [String], from: String?) -> String {
        let text = text(of: message)
        var headers = [
            "To: " + to.joined(separator: ", "),
            "Subject: " + Self.headerSafe(message.subject),
            "Message-ID: <\(message.idempotencyKey)@tokenwarden>",
            "Date: " + Self.rfc5322Date(message.queuedAt),
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
            "Auto-Submitted: auto-generated",
        ]
        if let from { headers.insert("From: " + from, at: 0) }
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + text.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n"
    }

    /// A header value on one line: provider data must not be able to add headers.
    static func headerSafe(_ text: String) -> String {
        String(text.map { $0.isNewline || $0.asciiValue.map { $0 < 0x20 } == true ? " " : $0 })
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
