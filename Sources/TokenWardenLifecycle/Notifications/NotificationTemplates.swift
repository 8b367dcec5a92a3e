import Foundation
import Mustache
import TokenWardenConfig
import TokenWardenCore

/// The text of mail and chat messages, from Mustache templates (swift-mustache): `digest.mustache`
/// and `alert.mustache`. Defaults are built in; an admin overrides either by putting a file of that
/// name in `templates/` beside the main config (root's directory, like the config: a template cannot
/// run code). Rendered as plain text: nothing is HTML-escaped; every field is escaped for where the
/// text lands (`Format`), because token names and owners are provider data.
public struct NotificationTemplates: Sendable {
    /// The template of each kind of message ("digest", "alert").
    let templates: [String: MustacheTemplate]
    /// Where each came from: a file path, or "built-in".
    public let sources: [String: String]

    public static let kinds = ["digest", "alert"]

    /// A template that does not parse: where, and what the parser said.
    public struct TemplateError: Error, Sendable, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var column: Int
        public var problem: String

        public var description: String {
            "\(file):\(line):\(column): \(problem) (a Mustache template: {{name}}, {{#list}}…{{/list}}, {{^empty}}…{{/empty}})"
        }
    }

    /// The built-in templates only.
    public static let builtIn: NotificationTemplates = {
        var templates: [String: MustacheTemplate] = [:]
        for (kind, text) in defaults {
            // The defaults are tested to parse (`NotificationTemplateTests`).
            templates[kind] = try? MustacheTemplate(string: textMode + text)
        }
        return NotificationTemplates(templates: templates, sources: Dictionary(uniqueKeysWithValues: kinds.map { ($0, "built-in") }))
    }()

    /// The templates in `directory` where present, the built-in ones otherwise; a template that does
    /// not parse is an error naming its file, line and column.
    /// A template's text reaches mail and chat, so `templates/` and its files get the config's
    /// write-access checks (`WriteAccess`), and a file is opened without following a symlink: a
    /// link planted there must not send a credential file to Slack.
    public static func load(directory: String) throws(TemplateError) -> NotificationTemplates {
        var templates = builtIn.templates
        var sources = builtIn.sources
        var present: [(kind: String, path: String)] = []
        for kind in kinds {
            let path = directory + "/" + kind + ".mustache"
            var info = stat()
            if lstat(path, &info) == 0 { present.append((kind, path)) }
        }
        if !present.isEmpty, let problem = WriteAccess.problem(directory) {
            throw TemplateError(file: directory, line: 1, column: 1, problem: problem)
        }
        for (kind, path) in present {
            let text = try read(path)
            do {
                templates[kind] = try MustacheTemplate(string: textMode + text)
            } catch let error as MustacheTemplate.ParserError {
                let context = error.context
                // The text-mode tag is prepended on line 1 without a newline: columns there shift by its length.
                let column = context.lineNumber == 1 ? max(1, context.columnNumber - textMode.count) : context.columnNumber
                throw TemplateError(file: path, line: context.lineNumber, column: column, problem: describe(error.error as? MustacheTemplate.Error))
            } catch {
                throw TemplateError(file: path, line: 1, column: 1, problem: "\(error)")
            }
            sources[kind] = path
        }
        return NotificationTemplates(templates: templates, sources: sources)
    }

    /// The largest template read: far above any message text, small enough to refuse a wrong file.
    static let maximumBytes = 256 << 10

    /// A template file's text: opened with `O_NOFOLLOW`, checked on the descriptor (a regular file
    /// only its owner, root or tokenwarden's user, may write), read as UTF-8.
    static func read(_ path: String) throws(TemplateError) -> String {
        func failure(_ problem: String) -> TemplateError { TemplateError(file: path, line: 1, column: 1, problem: problem) }
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            throw failure(
                errno == ELOOP
                    ? "is a symbolic link; put the template itself here, so nobody can point tokenwarden at another file by changing the link"
                    : "cannot be opened: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure("cannot be examined: \(String(cString: strerror(errno)))") }
        guard info.st_mode & S_IFMT == S_IFREG else { throw failure("is not a regular file") }
        if let problem = WriteAccess.problem(info, path: path) { throw failure(problem) }
        guard info.st_size <= maximumBytes else { throw failure("is \(info.st_size) bytes; a template may have \(maximumBytes) at most") }
        let data = FileHandle(fileDescriptor: fd, closeOnDealloc: false).readData(ofLength: maximumBytes + 1)
        guard data.count <= maximumBytes, let text = String(data: data, encoding: .utf8) else { throw failure("cannot be read as UTF-8 text") }
        return text
    }

    /// Where a rendered message lands, which decides how provider text in it is escaped.
    public enum Format: Sendable {
        /// Mail and command text: each field on one line, control characters shown as `\u{…}`.
        case plain
        /// Slack, Mattermost and Rocket.Chat: as plain, `&`, `<`, `>` escaped as Slack documents, and
        /// Markdown links and `@` mentions broken, so a token name can neither write `<!channel>` or
        /// `@all` nor a link whose text lies about its target.
        case slack
    }

    /// The message as text: the payload's kind's template rendered over it. Every field the payload
    /// carries is provider data or derived from it, so each is escaped for `format` before the
    /// template sees it: a CR, LF, U+2028 or bidi control in a token name is shown, never obeyed.
    /// The template's own text (an admin's, or the built-in one) is kept, each line terminal-safe.
    public func render(_ payload: NotificationPayload, format: Format = .plain) -> String {
        guard let template = templates[payload.kind] ?? templates["digest"] else { return Self.escape(payload.summary, for: format) }
        let text = template.render(Self.context(payload, escape: { Self.escape($0, for: format) }))
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0).terminalSafe }.joined(separator: "\n")
    }

    /// One field's text as `format` needs it.
    static func escape(_ text: String, for format: Format) -> String {
        let line = text.terminalSafe
        switch format {
        case .plain: return line
        case .slack:
            // https://api.slack.com/reference/surfaces/formatting#escaping: these three, and only these.
            let slack = line.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;")
            return breakingMarkdownLinksAndMentions(slack)
        }
    }

    /// Mattermost and Rocket.Chat take the same `{"text": …}` but render Markdown and act on
    /// `@channel`-style mentions: a zero-width space (U+200B, invisible in all three) goes between
    /// `]` and `(`, so `[https://sso…](https://evil)` is no link, and after an `@` that starts a word,
    /// so `@all` notifies no one. An `@` after a letter or digit (an e-mail address) is left alone.
    static func breakingMarkdownLinksAndMentions(_ text: String) -> String {
        var result = ""
        var previous: Character?
        for character in text {
            if character == "(" && previous == "]" { result.append("\u{200B}") }
            result.append(character)
            // Only a letter or digit before it keeps an `@` from starting a mention: Mattermost strips
            // `.`, `-`, `_` and `:` from a word's start and splits words on them.
            if character == "@" && !(previous.map { $0.isLetter || $0.isNumber } ?? false) {
                result.append("\u{200B}")
            }
            previous = character
        }
        return result
    }

    /// What a template sees: the payload's JSON field names (see the README's schema), plus
    /// `priority_upper` in each alert and `unanswered` (the count of escalated items). Every text
    /// passes through `escape`.
    static func context(_ payload: NotificationPayload, escape: (String) -> String = { $0 }) -> [String: Any] {
        let items: [[String: Any]] = payload.items.map { item in
            var fields: [String: Any] = [
                "provider": escape(item.provider), "token_id": escape(item.tokenID), "token_name": escape(item.tokenName),
                "rule": escape(item.rule), "action": escape(item.action), "reason": escape(item.reason), "command": escape(item.command),
                "escalated": item.escalated ?? false, "owner_unresolved": item.ownerUnresolved ?? false,
            ]
            if let owner = item.owner { fields["owner"] = escape(owner) }
            if let expires = item.expiresAt { fields["expires_at"] = escape(expires) }
            if let used = item.lastUsedAt { fields["last_used_at"] = escape(used) }
            if let lead = item.leadTime { fields["lead_time"] = escape(lead) }
            return fields
        }
        let alerts: [[String: Any]] = (payload.alerts ?? []).map { alert in
            var fields: [String: Any] = [
                "event": escape(alert.event), "priority": escape(alert.priority), "priority_upper": escape(alert.priority.uppercased()),
                "message": escape(alert.message),
            ]
            if let provider = alert.provider { fields["provider"] = escape(provider) }
            if let id = alert.tokenID { fields["token_id"] = escape(id) }
            if let name = alert.tokenName { fields["token_name"] = escape(name) }
            if let rule = alert.rule { fields["rule"] = escape(rule) }
            return fields
        }
        var context: [String: Any] = [
            "schema": escape(payload.schema), "id": escape(payload.id), "notifier": escape(payload.notifier), "kind": escape(payload.kind),
            "created_at": escape(payload.createdAt), "summary": escape(payload.summary), "items": items, "alerts": alerts,
            "unanswered": payload.items.filter { $0.escalated == true }.count,
        ]
        if let recipient = payload.recipient { context["recipient"] = escape(recipient) }
        return context
    }

    /// A payload of every field, for `validate` to render each template once.
    public static func sample(kind: String) -> NotificationPayload {
        let now = Date(timeIntervalSince1970: 1_798_000_000)
        var item = NotificationPayload.Item(
            provider: "awx", tokenID: "42", tokenName: "deploy-bot", owner: "alice", rule: "warn-before-expiry", action: "notify",
            reason: "expires in 6 days (2026-12-29); rule warn-before-expiry allows 30d/7d/1d before expiry",
            expiresAt: ProviderTimestamp.format(now.addingTimeInterval(6 * 86_400)), lastUsedAt: ProviderTimestamp.format(now),
            command: "tokenwarden show awx/42", leadTime: "7d")
        item.escalated = true
        if kind == "alert" {
            let event = NotificationPayload.Alert(
                event: "rotation-failed", priority: "error", message: "rotating awx/42 \"deploy-bot\" failed: the delivery command exited 1",
                provider: "awx", tokenID: "42", tokenName: "deploy-bot", rule: "rotate-yearly")
            return NotificationPayload(
                id: "sample", notifier: "ops", kind: "alert", createdAt: ProviderTimestamp.format(now),
                summary: "tokenwarden: 1 thing needs an admin",
                items: [], alerts: [event])
        }
        return NotificationPayload.digest([item], notifier: "ops", recipient: "alice@example.com", id: "sample", at: now)
    }

    /// Mustache's config tag for plain text (no HTML escaping), put before each template on its first line.
    static let textMode = "{{% CONTENT_TYPE: TEXT}}"

    static func describe(_ error: MustacheTemplate.Error?) -> String {
        guard let error else { return "the template does not parse" }
        return switch error {
        case .sectionCloseNameIncorrect: "a section is closed with a name other than the one it opened with"
        case .unfinishedName: "a tag is not closed with }}"
        case .expectedSectionEnd: "a section ({{#name}} or {{^name}}) is never closed with {{/name}}"
        case .invalidSetDelimiter: "the set-delimiter tag is malformed"
        case .unrecognisedConfigVariable, .invalidConfigVariableSyntax: "a {{% … }} tag is not understood"
        default: "\(error)"
        }
    }

    /// The built-in templates.
    static let defaults: [String: String] = [
        "digest": """
        {{summary}}

        {{#items}}
        {{provider}}/{{token_id}} "{{token_name}}"{{#owner}} (owner {{owner}}){{/owner}}
          {{reason}}
        {{#expires_at}}
          expires {{expires_at}}
        {{/expires_at}}
        {{#escalated}}
          no one acted on the earlier notice about this expiry
        {{/escalated}}
        {{#owner_unresolved}}
          the owner map names no one for this owner: add an [[owner]] entry
        {{/owner_unresolved}}
          {{command}}
        {{/items}}
        """,
        "alert": """
        {{summary}}

        {{#alerts}}
        {{priority_upper}} {{event}}: {{message}}
        {{/alerts}}
        """,
    ]
}
