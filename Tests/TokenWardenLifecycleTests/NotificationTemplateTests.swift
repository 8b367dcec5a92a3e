import Foundation
import Testing
import TokenWardenCore
import TokenWardenTestSupport

@testable import TokenWardenLifecycle

/// The text of mail and chat messages, from the built-in Mustache templates or an admin's.
@Suite struct NotificationTemplateTests {
    static func digest(name: String) -> NotificationPayload {
        var payload = NotificationTemplates.sample(kind: "digest")
        payload.items[0].tokenName = name
        return payload
    }

    @Test func theBuiltInTemplatesParseAndSayWhatNeedsDoing() {
        #expect(NotificationTemplates.builtIn.templates.keys.sorted() == ["alert", "digest"])
        let digest = NotificationTemplates.builtIn.render(Self.digest(name: "deploy-bot"))
        #expect(
            digest.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) == [
                "tokenwarden: 1 token needs attention (1 earlier notice unanswered)", "",
                "awx/42 \"deploy-bot\" (owner alice)",
                "  expires in 6 days (2026-12-29); rule warn-before-expiry allows 30d/7d/1d before expiry",
                "  expires 2026-12-29T04:26:40Z",
                "  no one acted on the earlier notice about this expiry",
                "  tokenwarden show awx/42", "",
            ])
        let alert = NotificationTemplates.builtIn.render(NotificationTemplates.sample(kind: "alert"))
        #expect(alert.contains("ERROR rotation-failed: rotating awx/42 \"deploy-bot\" failed"))
    }

    /// Plain text: nothing HTML-escaped; provider data's escape sequences made harmless.
    @Test func providerTextIsNeitherHTMLEscapedNorAbleToDriveATerminal() {
        let text = NotificationTemplates.builtIn.render(Self.digest(name: "a<b>&\"c\"\u{1B}[2J"))
        #expect(text.contains("\"a<b>&\"c\"\\u{1B}[2J\""), "\(text)")
        #expect(!text.contains("\u{1B}"))
    }

    /// A line break in provider text cannot start a line of its own in a mail or chat message, in
    /// any of the forms a mail client or Slack would break on.
    @Test(arguments: ["\n", "\r\n", "\u{2028}", "\u{2029}", "\u{85}"])
    func aLineBreakInATokenNameCannotForgeALine(breaking: String) {
        let name = "ci\(breaking)FORGED: renew at https://evil.example/login"
        for format in [NotificationTemplates.Format.plain, .slack] {
            let text = NotificationTemplates.builtIn.render(Self.digest(name: name), format: format)
            let lines = text.split(whereSeparator: \.isNewline)
            #expect(!lines.contains { $0.hasPrefix("FORGED") }, "\(text)")
            #expect(lines.contains { $0.contains("\"ci\\u{") && $0.contains("FORGED: renew") }, "\(text)")
        }
    }

    /// Slack's own syntax in provider text is shown, never obeyed: no `@channel`, no link whose
    /// text names another target. The admin's template text keeps its meaning.
    @Test func slackControlSyntaxInProviderTextIsEscaped() throws {
        let name = "<!channel> <https://evil.example|https://sso.example.com> & co"
        let text = NotificationTemplates.builtIn.render(Self.digest(name: name), format: .slack)
        #expect(text.contains("&lt;!channel&gt; &lt;https://evil.example|https://sso.example.com&gt; &amp; co"), "\(text)")
        #expect(!text.contains("<!channel>") && !text.contains("<https://evil"))
        let plain = NotificationTemplates.builtIn.render(Self.digest(name: name), format: .plain)
        #expect(plain.contains(name), "mail text is not HTML: \(plain)")
        // Mattermost and Rocket.Chat read the same body as Markdown, with @-mentions.
        let markdown = NotificationTemplates.builtIn.render(
            Self.digest(name: "[https://sso.example.com](https://evil.example) @all .@channel build-@here alice@example.com"), format: .slack)
        #expect(
            markdown.contains(
                "[https://sso.example.com]\u{200B}(https://evil.example) @\u{200B}all .@\u{200B}channel build-@\u{200B}here alice@example.com"),
            "\(markdown)")
        #expect(!markdown.contains("](") && !markdown.contains("@all") && !markdown.contains("@channel") && !markdown.contains("@here"))
        let dir = try TemporaryDirectory()
        try dir.write("templates/digest.mustache", "<!here> {{#items}}{{token_name}}{{/items}}")
        let admins = try NotificationTemplates.load(directory: dir.subpath("templates"))
        #expect(admins.render(Self.digest(name: "<!channel>"), format: .slack) == "<!here> &lt;!channel&gt;")
    }

    /// A template reaches mail and chat: one that others may rewrite, or a symlink planted in
    /// `templates/` (here to a credential file), is refused with the reason, never read.
    @Test func aTemplateOthersCouldChangeOrASymlinkIsRefused() throws {
        let dir = try TemporaryDirectory()
        let credential = try dir.write("credentials/pco", "PLANTED-template-credential", mode: 0o600)
        try dir.write("templates/alert.mustache", "{{summary}}")
        chmod(dir.subpath("templates"), 0o777)
        #expect {
            try NotificationTemplates.load(directory: dir.subpath("templates"))
        } throws: { error in
            "\(error)".contains("has mode 0777: group or others may change it") && "\(error)".hasPrefix(dir.subpath("templates") + ":1:1:")
        }
        chmod(dir.subpath("templates"), 0o755)
        try FileManager.default.createSymbolicLink(atPath: dir.subpath("templates/digest.mustache"), withDestinationPath: credential)
        #expect {
            try NotificationTemplates.load(directory: dir.subpath("templates"))
        } throws: { error in
            "\(error)".contains("digest.mustache:1:1: is a symbolic link") && !"\(error)".contains("PLANTED")
        }
        try FileManager.default.removeItem(atPath: dir.subpath("templates/digest.mustache"))
        try dir.write("templates/digest.mustache", "{{summary}}", mode: 0o666)
        #expect {
            try NotificationTemplates.load(directory: dir.subpath("templates"))
        } throws: { error in
            "\(error)".contains("digest.mustache:1:1: this file has mode 0666")
        }
    }

    @Test(.enabled(if: getuid() == 0, "giving a file to another user needs root"))
    func aTemplateOwnedBySomeoneElseIsRefused() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("templates/digest.mustache", "{{summary}}")
        let nobody = try #require(getpwnam("nobody")).pointee.pw_uid
        #expect(chown(path, nobody, nobody) == 0)
        #expect {
            try NotificationTemplates.load(directory: dir.subpath("templates"))
        } throws: { error in
            "\(error)".contains("this file belongs to uid \(nobody)")
        }
    }

    @Test func anAdminsTemplateReplacesTheBuiltInOne() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write(
            "templates/digest.mustache", "{{#items}}{{token_name}} due {{expires_at}}{{#lead_time}} ({{.}}){{/lead_time}}\n{{/items}}")
        let templates = try NotificationTemplates.load(directory: dir.subpath("templates"))
        #expect(templates.sources == ["digest": path, "alert": "built-in"])
        #expect(templates.render(Self.digest(name: "x")) == "x due 2026-12-29T04:26:40Z (7d)\n")
    }

    @Test(arguments: [
        ("{{summary}}\n{{#items}}\n{{token_name}\n{{/items}}\n", 3, "a tag is not closed with }}"),
        ("{{#items}}\n{{token_name}}\n", 3, "a section ({{#name}} or {{^name}}) is never closed with {{/name}}"),
        ("x {{/items}}", 1, "a section is closed with a name other than the one it opened with"),
    ])
    func aTemplateThatDoesNotParseIsNamedByFileAndLine(text: String, line: Int, problem: String) throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("templates/alert.mustache", text)
        #expect {
            try NotificationTemplates.load(directory: dir.subpath("templates"))
        } throws: { error in
            guard let error = error as? NotificationTemplates.TemplateError else { return false }
            return error.file == path && error.line == line && error.problem == problem
        }
    }
}
