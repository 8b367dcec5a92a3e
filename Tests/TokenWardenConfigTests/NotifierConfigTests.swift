import Foundation
import Testing
import TokenWardenCore
import TokenWardenTestSupport

@testable import TokenWardenConfig

/// `[[notifier]]`, `[daemon] alert_to` and a rule's `notify.to`: read when right, and each mistake
/// named with its file, line and key.
@Suite struct NotifierConfigTests {
    static let provider = """
        [[provider]]
        id = "awx-main"
        kind = "awx"
        base_url = "https://awx.example.com"
        credential = "awx-main"

        """

    func read(_ text: String) throws -> (configuration: Configuration?, problems: [String]) {
        let dir = try TemporaryDirectory()
        let path = try dir.write("tokenwarden.toml", Self.provider + text)
        let (configuration, problems) = ConfigLoader().read(path: path)
        return (configuration, problems.map { $0.description.replacingOccurrences(of: path, with: "CONFIG") })
    }

    @Test func readsEachKindOfNotifier() throws {
        let (configuration, problems) = try read(
            """
            [daemon]
            alert_to = ["ops", "ops-mail"]

            [[notifier]]
            id = "ops"
            kind = "webhook"
            url = "https://hooks.example.com/tokenwarden"
            format = "slack"
            secret = "ops-hook"

            [[notifier]]
            id = "ops-mail"
            kind = "mail"
            to = ["ops@example.com", "sec@example.com"]
            from = "tokenwarden@example.com"
            sendmail = "/bin/true"

            [[notifier]]
            id = "pager"
            kind = "command"
            command = ["/usr/local/bin/page", "--team", "ops"]
            """)
        #expect(problems.isEmpty, "\(problems)")
        let notifiers = try #require(configuration?.notifiers)
        #expect(notifiers.map(\.id) == ["ops", "ops-mail", "pager"])
        #expect(notifiers[0].channel == .webhook(url: "https://hooks.example.com/tokenwarden", format: .slack, secret: .systemd(name: "ops-hook")))
        #expect(notifiers[1].channel == .mail(to: ["ops@example.com", "sec@example.com"], from: "tokenwarden@example.com", sendmail: "/bin/true"))
        #expect(notifiers[2].channel == .command(argv: ["/usr/local/bin/page", "--team", "ops"]))
        #expect(configuration?.daemon.alertTo == ["ops", "ops-mail"])
    }

    @Test(arguments: [
        (
            "[[notifier]]\nid = \"ops\"\nkind = \"webhok\"\nurl = \"https://x.example.com\"\n",
            "CONFIG:8: notifier \"ops\", key \"kind\": unknown kind \"webhok\" (valid: command, mail, webhook); did you mean \"webhook\"?"
        ),
        (
            "[[notifier]]\nid = \"ops\"\nkind = \"webhook\"\nurl = \"http://hooks.example.com/x\"\n",
            "CONFIG:9: notifier \"ops\", key \"url\": plain http is allowed only for loopback hosts (127.0.0.1, ::1, localhost); "
                + "use https for \"hooks.example.com\""
        ),
        (
            "[[notifier]]\nid = \"m\"\nkind = \"mail\"\nto = [\"ops@example.com\"]\nsendmail = \"/nonexistent/sendmail\"\n",
            "CONFIG:10: notifier \"m\", key \"sendmail\": /nonexistent/sendmail does not exist or is not executable: install a mail "
                + "transfer agent that provides it (e.g. apt-get install msmtp-mta, or postfix), or name its path"
        ),
        (
            "[[notifier]]\nid = \"m\"\nkind = \"mail\"\nto = [\"not an address\"]\nsendmail = \"/bin/true\"\n",
            "CONFIG:9: notifier \"m\", key \"to\": \"not an address\" is not a mail address (user@host)"
        ),
        (
            "[[notifier]]\nid = \"c\"\nkind = \"command\"\ncommand = [\"page\"]\n",
            "CONFIG:9: notifier \"c\", key \"command\": the program (the first element) must be an absolute path"
        ),
        (
            "[daemon]\nalert_to = [\"opz\"]\n\n[[notifier]]\nid = \"ops\"\nkind = \"command\"\ncommand = [\"/bin/true\"]\n",
            "CONFIG:7: [daemon], key \"alert_to\": names notifier \"opz\", which is not configured (configured: ops); did you mean \"ops\"?"
        ),
    ])
    func eachMistakeIsNamedWithFileLineAndKey(text: String, expected: String) throws {
        #expect(try read(text).problems == [expected])
    }

    @Test func aRuleNamingAnUnknownNotifierIsRefusedWithASuggestion() throws {
        let dir = try TemporaryDirectory()
        let policy = try dir.write(
            "policies.d/10.toml", "[[rule]]\nname = \"warn\"\nwhen.expires_within = \"7d\"\naction = \"notify\"\nnotify.to = [\"opz\"]\n")
        let (_, problems) = PolicyLoader(notifiers: ["ops"]).read(directory: dir.subpath("policies.d"), providers: [])
        #expect(
            problems.map { $0.description.replacingOccurrences(of: policy, with: "POLICY") } == [
                "POLICY:5: rule \"warn\", key \"notify.to\": names notifier \"opz\", which the main config does not define (defined: ops); "
                    + "did you mean \"ops\"?"
            ])
        let (_, revoking) = PolicyLoader(notifiers: ["ops"]).read(directory: dir.subpath("none"), providers: [])
        #expect(revoking.isEmpty)
    }
}
