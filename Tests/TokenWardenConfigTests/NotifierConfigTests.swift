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

    static let ops = "[[notifier]]\nid = \"ops\"\nkind = \"command\"\ncommand = [\"/bin/true\"]\n\n"

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
            credential = "ops-token"
            credential_header = "X-Api-Key"

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
        #expect(notifiers[0].authorization == Notifier.HeaderCredential(credential: .systemd(name: "ops-token"), header: "X-Api-Key"))
        #expect(notifiers[1].channel == .mail(to: ["ops@example.com", "sec@example.com"], from: "tokenwarden@example.com", sendmail: "/bin/true"))
        #expect(notifiers[2].channel == .command(argv: ["/usr/local/bin/page", "--team", "ops"]))
        #expect(configuration?.daemon.alertTo == ["ops", "ops-mail"])
    }

    static let mistakes: [(String, String)] = {
        var rows: [(String, String)] = []
        rows.append(
            (
                "[[notifier]]\nid = \"ops\"\nkind = \"webhok\"\nurl = \"https://x.example.com\"\n",
                "CONFIG:8: notifier \"ops\", key \"kind\": unknown kind \"webhok\" (valid: command, mail, webhook); did you mean \"webhook\"?"
            ))
        rows.append(
            (
                "[[notifier]]\nid = \"ops\"\nkind = \"webhook\"\nurl = \"http://hooks.example.com/x\"\n",
                "CONFIG:9: notifier \"ops\", key \"url\": plain http is allowed only for loopback hosts (127.0.0.1, ::1, localhost); "
                    + "use https for \"hooks.example.com\""
            ))
        rows.append(
            (
                "[[notifier]]\nid = \"m\"\nkind = \"mail\"\nto = [\"ops@example.com\"]\nsendmail = \"/nonexistent/sendmail\"\n",
                "CONFIG:10: notifier \"m\", key \"sendmail\": /nonexistent/sendmail does not exist or is not executable: install a mail "
                    + "transfer agent that provides it (e.g. apt-get install msmtp-mta, or postfix), or name its path"
            ))
        rows.append(
            (
                "[[notifier]]\nid = \"m\"\nkind = \"mail\"\nto = [\"not an address\"]\nsendmail = \"/bin/true\"\n",
                "CONFIG:9: notifier \"m\", key \"to\": \"not an address\" is not a mail address (user@host)"
            ))
        rows.append(
            (
                "[[notifier]]\nid = \"c\"\nkind = \"command\"\ncommand = [\"page\"]\n",
                "CONFIG:9: notifier \"c\", key \"command\": the program (the first element) must be an absolute path"
            ))
        rows.append(
            (
                "[[notifier]]\nid = \"c\"\nkind = \"command\"\ncommand = [\"/bin/true\"]\ndigest = \"every morning\"\n",
                "CONFIG:10: notifier \"c\", key \"digest\": \"every morning\" is not a digest window; write \"daily HH:MM\" "
                    + "(24-hour clock, the host's time zone), e.g. \"daily 09:00\""
            ))
        rows.append(
            (
                "[[notifier]]\nid = \"h\"\nkind = \"webhook\"\nurl = \"https://x.example.com\"\ncredential = \"/k\"\ncredential_header = \"X Api\"\n",
                "CONFIG:11: notifier \"h\", key \"credential_header\": \"X Api\" is not an HTTP header name "
                    + "(letters, digits and \"-\", e.g. \"X-Api-Key\")"
            ))
        rows.append(
            (
                "[[notifier]]\nid = \"h\"\nkind = \"webhook\"\nurl = \"https://x.example.com\"\ncredential_header = \"X-Api-Key\"\n",
                "CONFIG:10: notifier \"h\", key \"credential_header\": only applies with credential = \"…\" (the value to send)"
            ))
        rows.append(
            (
                Self.ops + "[owners]\nfallback = \"opz\"\n",
                "CONFIG:12: [owners], key \"fallback\": names notifier \"opz\", which is not configured (configured: ops); did you mean \"ops\"?"
            ))
        rows.append(
            (
                Self.ops + "[owners]\nfallback = \"ops\"\nmail = \"ops\"\n",
                "CONFIG:13: [owners], key \"mail\": notifier \"ops\" is not a mail notifier; owner addresses are sent through one with "
                    + "kind = \"mail\""
            ))
        rows.append(
            (
                Self.ops + "[owners]\nfallback = \"ops\"\n\n[[owner]]\nmatch = \"alice\"\nto = \"alice@example.com\"\n",
                "CONFIG:16: owner \"alice\", key \"to\": \"alice@example.com\" is a mail address: name the mail notifier to send it through "
                    + "in [owners] mail = \"…\""
            ))
        rows.append(
            (
                Self.ops + "[[owner]]\nmatch = \"svc-*\"\nto = \"platfrom\"\n",
                "CONFIG:13: owner \"svc-*\", key \"to\": \"platfrom\" is neither a mail address (user@host) nor a configured notifier "
                    + "(configured: ops)"
            ))
        rows.append(
            (
                Self.ops + "[[owner]]\nmatch = \"svc-*\"\nto = \"ops\"\n",
                "CONFIG:11: [[owner]], key \"owners.fallback\": an owner map needs [owners] fallback = \"<notifier id>\": tokens whose owner "
                    + "it does not name are told to it"
            ))
        rows.append(
            (
                "[daemon]\nalert_to = [\"opz\"]\n\n[[notifier]]\nid = \"ops\"\nkind = \"command\"\ncommand = [\"/bin/true\"]\n",
                "CONFIG:7: [daemon], key \"alert_to\": names notifier \"opz\", which is not configured (configured: ops); did you mean \"ops\"?"
            ))
        return rows
    }()

    @Test(arguments: mistakes)
    func eachMistakeIsNamedWithFileLineAndKey(text: String, expected: String) throws {
        let found = try read(text).problems
        #expect(found == [expected], "\(found)")
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

    func policyProblems(_ rule: String, ownersConfigured: Bool = false) throws -> [String] {
        let dir = try TemporaryDirectory()
        let policy = try dir.write("policies.d/10.toml", "[[rule]]\nname = \"warn\"\n" + rule)
        let (_, problems) = PolicyLoader(notifiers: ["ops", "lead"], ownersConfigured: ownersConfigured).read(
            directory: dir.subpath("policies.d"), providers: [])
        return problems.map { $0.description.replacingOccurrences(of: policy, with: "POLICY") }
    }

    /// Several lead times are read longest first, once each; `escalate_to` and "owner" are recipients.
    @Test func aNotifyRuleReadsLeadTimesEscalationAndTheOwner() throws {
        let dir = try TemporaryDirectory()
        _ = try dir.write(
            "policies.d/10.toml",
            """
            [[rule]]
            name = "warn"
            when.expires_within = ["1d", "30d", "7d", "7d"]
            action = "notify"
            notify.to = ["owner", "ops"]
            notify.escalate_to = ["lead"]
            """)
        let (policies, problems) = PolicyLoader(notifiers: ["ops", "lead"], ownersConfigured: true).read(
            directory: dir.subpath("policies.d"), providers: [])
        #expect(problems.isEmpty, "\(problems)")
        let rule = try #require(policies.rules.first)
        #expect(rule.leadTimes == [.days(30), .days(7), .days(1)])
        #expect(rule.triggers == [.expiresWithin(.days(30))])
        #expect(rule.notifyTo == ["owner", "ops"] && rule.escalateTo == ["lead"])
    }

    @Test(arguments: [
        (
            "when.expires_within = [\"30d\", \"7d\"]\naction = \"revoke\"\n",
            "POLICY:3: rule \"warn\", key \"when.expires_within\": several lead times only apply to action = \"notify\"; give one duration"
        ),
        (
            "when.expires_within = [\"30d\", \"7days\"]\naction = \"notify\"\n",
            "POLICY:3: rule \"warn\", key \"when.expires_within\": \"7days\": "
        ),
        (
            "when.expires_within = \"7d\"\naction = \"notify\"\nnotify.to = [\"owner\"]\n",
            "POLICY:5: rule \"warn\", key \"notify.to\": \"owner\" needs an owner map in the main config: at least [owners] fallback = "
                + "\"<notifier id>\" (and [[owner]] match = \"…\" to = \"…\" entries)"
        ),
        (
            "when.expires_within = \"7d\"\naction = \"notify\"\nnotify.to = [\"ops\"]\nnotify.escalate_to = [\"laed\"]\n",
            "POLICY:6: rule \"warn\", key \"notify.escalate_to\": names notifier \"laed\", which the main config does not define "
                + "(defined: ops, lead); did you mean \"lead\"?"
        ),
    ])
    func eachPolicyMistakeAboutRecipientsIsNamed(rule: String, expected: String) throws {
        let problems = try policyProblems(rule)
        #expect(problems.count == 1, "\(problems)")
        #expect(problems.first?.hasPrefix(expected) == true, "\(problems)")
    }
}
