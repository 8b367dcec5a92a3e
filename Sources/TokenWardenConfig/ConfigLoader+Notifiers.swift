import Foundation
import TokenWardenCore

/// The `[[notifier]]` tables and `[daemon] alert_to`.
extension ConfigLoader {
    static let notifierKeys: [String: [String]] = [
        "webhook": ConfigReference.webhook.names, "mail": ConfigReference.mail.names, "command": ConfigReference.command.names,
    ]

    func readNotifiers(document: TOMLDocument, sink: ProblemSink) -> [Notifier] {
        var seen: [String: Int] = [:]
        return document.entries(of: "notifier", identifiedBy: "id", sink: sink).compactMap { index, reader in
            readNotifier(reader, seen: &seen, index: index)
        }
    }

    private func readNotifier(_ reader: TableReader, seen: inout [String: Int], index: Int) -> Notifier? {
        let before = reader.sink.problems.count
        let kinds = Self.notifierKeys.keys.sorted()
        let kind = reader.string("kind", required: true)
        if let kind, let allowed = Self.notifierKeys[kind] {
            reader.rejectUnknownKeys(allowed: allowed)
        } else if let kind {
            reader.report(
                "kind", "unknown kind \"\(kind)\" (valid: \(kinds.joined(separator: ", ")))",
                suggestion: NearestWord.suggestion(for: kind, among: kinds))
        }
        let id = reader.string("id", required: true)
        if let id {
            if id.range(of: "^[a-z0-9][a-z0-9_-]*$", options: .regularExpression) == nil || id == "owner" {
                reader.report("id", "\"\(id)\" may contain only a-z, 0-9, \"-\" and \"_\", and may not be \"owner\"")
            } else if let first = seen[id] {
                reader.report("id", "\"\(id)\" is already the id of notifier #\(first + 1); ids must be unique")
            } else {
                seen[id] = index
            }
        }
        let channel: Notifier.Channel? =
            switch kind {
            case "webhook": webhook(reader)
            case "mail": mail(reader)
            case "command": command(reader)
            default: nil
            }
        var digest: DigestWindow?
        if let text = reader.string("digest") {
            digest = DigestWindow(parsing: text)
            if digest == nil {
                reader.report(
                    "digest", "\"\(text)\" is not a digest window; write \"daily HH:MM\" (24-hour clock, the host's time zone), e.g. \"daily 09:00\"")
            }
        }
        let authorization = kind == "webhook" ? Self.headerCredential(reader) : nil
        guard reader.sink.problems.count == before, let id, let channel else { return nil }
        var notifier = Notifier(id: id, channel: channel, digest: digest)
        notifier.authorization = authorization
        return notifier
    }

    /// A webhook's `credential` and `credential_header`.
    static func headerCredential(_ reader: TableReader) -> Notifier.HeaderCredential? {
        let header = reader.string("credential_header")
        if let header, header.range(of: "^[A-Za-z0-9][A-Za-z0-9-]*$", options: .regularExpression) == nil {
            reader.report("credential_header", "\"\(header)\" is not an HTTP header name (letters, digits and \"-\", e.g. \"X-Api-Key\")")
            return nil
        }
        if let header, header.lowercased().hasPrefix("x-tokenwarden-") || ["content-type", "host", "content-length"].contains(header.lowercased()) {
            reader.report("credential_header", "\"\(header)\" is a header tokenwarden sets itself; name another")
            return nil
        }
        guard reader.has("credential") else {
            if header != nil { reader.report("credential_header", "only applies with credential = \"…\" (the value to send)") }
            return nil
        }
        guard let credential = credential(named: "credential", in: reader) else { return nil }
        return Notifier.HeaderCredential(credential: credential, header: header ?? Notifier.HeaderCredential.defaultHeader)
    }

    private func webhook(_ reader: TableReader) -> Notifier.Channel? {
        let url = reader.string("url", required: true).flatMap { Self.validateBaseURL($0, report: { reader.report("url", $0) }) }
        var format = Notifier.WebhookFormat.json
        if let text = reader.string("format") {
            if let known = Notifier.WebhookFormat(rawValue: text) {
                format = known
            } else {
                let formats = Notifier.WebhookFormat.allCases.map(\.rawValue)
                reader.report(
                    "format", "unknown format \"\(text)\" (valid: \(formats.joined(separator: ", ")))",
                    suggestion: NearestWord.suggestion(for: text, among: formats))
            }
        }
        let secret = reader.has("secret") ? Self.credential(named: "secret", in: reader) : nil
        guard let url else { return nil }
        return .webhook(url: url, format: format, secret: secret)
    }

    private func mail(_ reader: TableReader) -> Notifier.Channel? {
        let to = reader.strings("to") ?? []
        if to.isEmpty { reader.report("to", "a mail notifier needs at least one address, e.g. to = [\"ops@example.com\"]") }
        for address in to where !Self.isMailAddress(address) {
            reader.report("to", "\"\(address)\" is not a mail address (user@host)")
        }
        let from = reader.string("from")
        if let from, !Self.isMailAddress(from) { reader.report("from", "\"\(from)\" is not a mail address (user@host)") }
        let sendmail = reader.string("sendmail") ?? Notifier.defaultSendmail
        if !sendmail.hasPrefix("/") {
            reader.report("sendmail", "\"\(sendmail)\" must be an absolute path, e.g. \"\(Notifier.defaultSendmail)\"")
        } else if !FileManager.default.isExecutableFile(atPath: sendmail) {
            reader.report(
                "sendmail",
                "\(sendmail) does not exist or is not executable: install a mail transfer agent that provides it "
                    + "(e.g. apt-get install msmtp-mta, or postfix), or name its path")
        }
        return to.isEmpty ? nil : .mail(to: to, from: from, sendmail: sendmail)
    }

    private func command(_ reader: TableReader) -> Notifier.Channel? {
        guard let argv = reader.strings("command") else {
            reader.report("command", "a command notifier needs command = [\"/path/to/program\", \"arg\", …] (no shell)")
            return nil
        }
        guard let program = argv.first, program.hasPrefix("/") else {
            reader.report("command", "the program (the first element) must be an absolute path")
            return nil
        }
        return .command(argv: argv)
    }

    /// `key = "…"`: an absolute path to a 0600 file, or a bare name passed with `LoadCredential=`.
    static func credential(named key: String, in reader: TableReader) -> CredentialReference? {
        reader.string(key).flatMap { text -> CredentialReference? in
            if text.hasPrefix("/") { return .file(path: text) }
            guard !text.contains("/"), !text.isEmpty else {
                reader.report(key, "\"\(text)\" is a relative path; give an absolute path to a 0600 file, or a bare name passed with LoadCredential=")
                return nil
            }
            return .systemd(name: text)
        }
    }

    static func isMailAddress(_ text: String) -> Bool {
        text.range(of: #"^[^@\s<>"]+@[^@\s<>"]+$"#, options: .regularExpression) != nil
    }

    /// `[daemon] alert_to` names notifiers that exist.
    static func checkAlertTo(_ settings: DaemonSettings, notifiers: [Notifier], document: TOMLDocument, sink: ProblemSink) {
        let ids = notifiers.map(\.id)
        for id in settings.alertTo where !ids.contains(id) {
            sink.add(
                ConfigProblem(
                    file: document.path, line: document.locator.lineOfKey("alert_to", table: "daemon"), subject: "[daemon]", key: "alert_to",
                    message: ids.isEmpty
                        ? "names notifier \"\(id)\", but no [[notifier]] is configured"
                        : "names notifier \"\(id)\", which is not configured (configured: \(ids.joined(separator: ", ")))",
                    suggestion: NearestWord.suggestion(for: id, among: ids)))
        }
    }
}
