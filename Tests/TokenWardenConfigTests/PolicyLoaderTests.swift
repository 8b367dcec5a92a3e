import Foundation
import Testing
import TokenWardenConfig
import TokenWardenCore
import TokenWardenTestSupport

@Suite struct PolicyLoaderTests {
    static let providers = [
        ProviderConfig(id: "sailpoint-prod", kind: .sailPoint, baseURL: "https://a", credential: .systemd(name: "s")),
        ProviderConfig(id: "awx-main", kind: .awx, baseURL: "https://b", credential: .systemd(name: "a")),
        ProviderConfig(id: "pco", kind: .planningCenter, baseURL: "https://c", credential: .systemd(name: "p")),
    ]

    /// Writes policy files into a fresh directory and returns every problem with the directory replaced by `D`.
    func problems(_ files: [String: String]) throws -> [String] {
        let dir = try TemporaryDirectory()
        for (name, text) in files { try dir.write(name, text) }
        return PolicyLoader().read(directory: dir.path, providers: Self.providers).problems.map {
            $0.description.replacingOccurrences(of: dir.path + "/", with: "")
        }
    }

    static let dotted = Array(repeating: "a", count: 30_000).joined(separator: ".")

    /// A key of 30,000 dotted parts, wherever it is written (toml++ recursed on it until the stack
    /// overflowed), or tables nested deeper than any setting, is a located error, not a crash.
    @Test(arguments: [
        ("[[rule]]\nname = \"x\"\n" + dotted + " = 1\n", 3, "more than 256 dots on one line"),
        ("[[rule]]\nname = \"x\"\nwhen = { " + dotted + " = 1 }\n", 3, "more than 256 dots on one line"),
        // An escaped quote in a string, then a quoted key with an escaped quote.
        ("[[rule]]\nname = \"x\\\" # '''\"\n\"\\\"\"." + dotted + " = 1\n", 3, "more than 256 dots on one line"),
        // Triple quotes inside a literal string and a comment open no multi-line string.
        ("[[rule]]\nname = '\"\"\"' # \"\"\"\n[" + dotted + "]\n", 3, "more than 256 dots on one line"),
        // A multi-line string closed by four or five quotes, then a dotted key on the same line.
        ("[[rule]]\nname = \"x\"\nx = { s = \"\"\"a\"\"\"\", " + dotted + " = 1 }\n", 3, "more than 256 dots on one line"),
        ("[[rule]]\nname = \"x\"\nx = [\'\'\'a\'\'\'\'\', { " + dotted + " = 1 }]\n", 3, "more than 256 dots on one line"),
        // A line-ending backslash in a multi-line string: the lines after it are still counted.
        ("[[rule]]\nname = \"\"\"\\\n\\\nx\"\"\"\n" + dotted + " = 1\n", 5, "more than 256 dots on one line"),
        ("[[rule]]\nname = \"x\"\n" + Array(repeating: "a", count: 40).joined(separator: ".") + " = 1\n", 3, "nested more than 32 levels deep"),
    ])
    func deeplyNestedKeysAreALocatedErrorNotACrash(text: String, line: Int, problem expected: String) throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("10-deep.toml", text)
        let problems = PolicyLoader().read(directory: dir.path, providers: Self.providers).problems
        #expect(problems.count == 1, "\(problems)")
        let problem = try #require(problems.first)
        #expect(problem.file == path && problem.line == line, "\(problem)")
        #expect(problem.message.contains(expected), "\(problem)")
    }

    /// Dots inside strings, comments and multi-line strings are not keys: a long URL or a comment
    /// full of dots is fine.
    @Test func dotsInStringsAndCommentsAreNotCounted() throws {
        let dots = String(repeating: ".", count: 1_000)
        let text =
            "[[rule]]\nname = \"a\(dots)\" # \(dots)\nwhen.expires_within = \"30d\"\naction = \"notify\"\n"
            + "# '''\n[[rule]]\nname = '''\nb\(dots)\n'''\nwhen.expires_within = \"30d\"\naction = \"notify\"\n"
        let dir = try TemporaryDirectory()
        try dir.write("10-dots.toml", text)
        let problems = PolicyLoader().read(directory: dir.path, providers: Self.providers).problems
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func readsRulesFromEveryFileInNameOrder() throws {
        let dir = try TemporaryDirectory()
        try dir.write(
            "20-rotate.toml",
            """
            [[rule]]
            name = "rotate-deploy-bot"
            match.name = "deploy-bot"
            when.age_over = "P60D"
            action = "rotate"
            deliver.command = ["/usr/local/bin/reload", "--token"]
            """)
        try dir.write(
            "10-baseline.toml",
            """
            [[rule]]
            name = "warn-before-expiry"
            when.expires_within = "14d"
            action = "notify"

            [[rule]]
            name = "revoke-unused-ci"
            action = "revoke"
            [rule.match]
            provider = "sailpoint-prod"
            name = ["ci-*", "build-*"]
            owner = "svc-*"
            scope = "sp:scopes:all"
            [rule.when]
            unused_for = "90d"
            expired = true
            """)
        try dir.write("README", "not a policy")
        try dir.write(".10-baseline.toml.swp", "editor junk")
        let policies = try PolicyLoader().load(directory: dir.path, providers: Self.providers)
        #expect(policies.files == [dir.subpath("10-baseline.toml"), dir.subpath("20-rotate.toml")])
        #expect(
            policies.rules == [
                Rule(name: "warn-before-expiry", sourceFile: dir.subpath("10-baseline.toml"), triggers: [.expiresWithin(.days(14))], action: .notify),
                Rule(
                    name: "revoke-unused-ci", sourceFile: dir.subpath("10-baseline.toml"),
                    match: TokenMatch(
                        providers: ["sailpoint-prod"], names: [Glob("ci-*"), Glob("build-*")], owners: [Glob("svc-*")], scopes: ["sp:scopes:all"]),
                    triggers: [.expired, .unusedFor(.days(90))], action: .revoke),
                Rule(
                    name: "rotate-deploy-bot", sourceFile: dir.subpath("20-rotate.toml"), match: TokenMatch(names: [Glob("deploy-bot")]),
                    triggers: [.ageOver(.days(60))], action: .rotate, delivery: .command(argv: ["/usr/local/bin/reload", "--token"]),
                    overlap: Rule.defaultOverlap),
            ])
    }

    @Test func aMissingDirectoryMeansNoRules() throws {
        let (policies, problems) = PolicyLoader().read(directory: "/nonexistent/policies.d", providers: Self.providers)
        #expect(policies.rules.isEmpty && policies.files.isEmpty && problems.isEmpty)
    }

    @Test func misspeltKeysAndValuesGetSuggestionsWithFileRuleAndLine() throws {
        let found = try problems([
            "10-x.toml": """
            [[rule]]
            name = "ok-rule"
            when.expires_within = "14d"
            action = "notify"

            [[rule]]
            name = "revoke-unused-ci"
            match.provider = "sailpoint-prd"
            match.nmae = "ci-*"
            when.unused_fr = "90d"
            action = "revok"
            overlp = "1h"
            """
        ])
        #expect(
            found == [
                "10-x.toml:12: rule \"revoke-unused-ci\", key \"overlp\": unknown key (valid keys here: name, match, when, action, deliver, "
                    + "overlap, revoke_old, switch_over_deadline, notify, window, approve, approval_expires); did you mean \"overlap\"?",
                "10-x.toml:9: rule \"revoke-unused-ci\", key \"match.nmae\": unknown key (valid keys here: match.provider, match.name, "
                    + "match.owner, match.scope); did you mean \"match.name\"?",
                "10-x.toml:8: rule \"revoke-unused-ci\", key \"match.provider\": no provider has id \"sailpoint-prd\" (configured: "
                    + "sailpoint-prod, awx-main, pco); did you mean \"sailpoint-prod\"?",
                "10-x.toml:10: rule \"revoke-unused-ci\", key \"when.unused_fr\": unknown key (valid keys here: when.expires_within, "
                    + "when.expired, when.unused_for, when.age_over); did you mean \"when.unused_for\"?",
                "10-x.toml:11: rule \"revoke-unused-ci\", key \"action\": unknown action \"revok\" (valid: notify, rotate, revoke); did you "
                    + "mean \"revoke\"?",
            ])
    }

    @Test func everyRuleMistakeInEveryFileIsReported() throws {
        let found = try problems([
            "10-a.toml": """
            [[rule]]
            name = "dup"
            when.expires_within = "14d"
            action = "notify"

            [[rule]]
            action = "notify"

            [[rule]]
            name = "rotate-without-delivery"
            when.age_over = "60d"
            action = "rotate"

            [[rule]]
            name = "shell-line"
            when.age_over = "60d"
            action = "rotate"
            deliver.command = "systemctl reload app"

            [[rule]]
            name = "deliver-on-notify"
            when.expired = false
            action = "notify"
            deliver.file = "/tmp/x"
            overlap = "1h"
            """,
            "20-b.toml": """
            [[rule]]
            name = "dup"
            when = {}
            action = "notify"

            [[rule]]
            name = "both"
            when.age_over = "1d"
            action = "rotate"
            deliver = { file = "relative/path", command = ["reload"] }
            """,
            "30-c.toml": "rule = \"oops\"\nextra = 1\n",
            "40-d.toml": "[[rule]\nname = \"x\"\n",
        ])
        #expect(
            found == [
                "10-a.toml:6: rule #2, key \"name\": missing; it must be a string",
                "10-a.toml:6: rule #2, key \"when\": missing; a rule needs at least one trigger (when.expires_within, when.expired, "
                    + "when.unused_for, when.age_over)",
                "10-a.toml:9: rule \"rotate-without-delivery\", key \"deliver\": a rotate rule must say where the new secret goes: "
                    + "deliver.file = \"/path\" or deliver.command = [\"/path/to/program\", …]",
                "10-a.toml:18: rule \"shell-line\", key \"deliver.command\": is an argv list, not a shell line: write "
                    + "[\"/usr/local/bin/reload-token\", \"--service\", \"x\"]",
                "10-a.toml:22: rule \"deliver-on-notify\", key \"when.expired\": only \"true\" is meaningful; remove the key instead of "
                    + "setting it to false",
                "10-a.toml:24: rule \"deliver-on-notify\", key \"deliver\": only applies to action = \"rotate\"",
                "10-a.toml:25: rule \"deliver-on-notify\", key \"overlap\": only applies to action = \"rotate\"",
                "20-b.toml:2: rule \"dup\", key \"name\": a rule named \"dup\" is already defined in 10-a.toml; names must be unique across "
                    + "all policy files",
                "20-b.toml:3: rule \"dup\", key \"when\": is empty; give at least one of when.expires_within, when.expired, "
                    + "when.unused_for, when.age_over",
                "20-b.toml:10: rule \"both\", key \"deliver.file\": must be an absolute path to a file",
                "20-b.toml:10: rule \"both\", key \"deliver.command\": the program \"reload\" must be an absolute path (no shell, no $PATH lookup)",
                "20-b.toml:10: rule \"both\", key \"deliver\": give deliver.file or deliver.command, not both",
                "30-c.toml:2: key \"extra\": unknown key (valid keys here: rule)",
                "30-c.toml:1: key \"rule\": rules are written as [[rule]] tables, found a string",
                "40-d.toml:1:8: syntax error: Error while parsing table header: expected ']', saw '\\n'",
            ])
    }

    @Test func whenSuccessorUsedIsRefusedWhereNoLastUseIsReportedAndItsKeysOnlyOnRotateRules() throws {
        let found = try problems([
            "10-x.toml": """
            [[rule]]
            name = "rotate-awx"
            match.provider = "awx-main"
            when.age_over = "30d"
            action = "rotate"
            deliver.file = "/etc/app/token"
            revoke_old = "when-successor-used"

            [[rule]]
            name = "rotate-sp"
            match.provider = "sailpoint-prod"
            when.age_over = "30d"
            action = "rotate"
            deliver.file = "/etc/app/sp-token"
            revoke_old = "when-succesor-used"

            [[rule]]
            name = "stale"
            when.unused_for = "90d"
            action = "revoke"
            switch_over_deadline = "3d"
            """
        ])
        #expect(found.count == 3, "\(found)")
        #expect(
            found.contains {
                $0.hasPrefix("10-x.toml:7: rule \"rotate-awx\", key \"revoke_old\": \"when-successor-used\" needs a provider that reports")
                    && $0.contains("\"awx-main\" (AWX / Tower / AAP ≤ 2.4) reports none")
            }, "\(found)")
        #expect(
            found.contains {
                $0.contains("rule \"rotate-sp\", key \"revoke_old\": unknown value \"when-succesor-used\"")
                    && $0.contains("did you mean \"when-successor-used\"")
            }, "\(found)")
        #expect(found.contains { $0.contains("rule \"stale\", key \"switch_over_deadline\": only applies to action = \"rotate\"") }, "\(found)")
    }

    @Test func whenSuccessorUsedWithADeadlineIsReadOnAProviderThatReportsLastUse() throws {
        let dir = try TemporaryDirectory()
        try dir.write(
            "10.toml",
            """
            [[rule]]
            name = "rotate-sp"
            match.provider = "sailpoint-prod"
            when.age_over = "30d"
            action = "rotate"
            deliver.file = "/etc/app/token"
            revoke_old = "when-successor-used"
            switch_over_deadline = "3d"
            """)
        let read = PolicyLoader().read(directory: dir.path, providers: Self.providers)
        #expect(read.problems.isEmpty, "\(read.problems)")
        #expect(read.policies.rules.map(\.switchOver) == [.whenSuccessorUsed(deadline: .days(3))])
    }

    @Test func aRuleNamingAProviderThatLacksWhatItNeedsIsRefused() throws {
        let found = try problems([
            "10-x.toml": """
            [[rule]]
            name = "stale-awx"
            match.provider = ["awx-main", "sailpoint-prod"]
            when.unused_for = "90d"
            action = "revoke"

            [[rule]]
            name = "rotate-pco"
            match.provider = "pco"
            when.age_over = "30d"
            action = "rotate"
            deliver.file = "/etc/app/token"
            """
        ])
        #expect(
            found == [
                "10-x.toml:4: rule \"stale-awx\", key \"when.unused_for\": provider \"awx-main\" (AWX / Tower / AAP ≤ 2.4) has no last-used "
                    + "data, which this trigger needs; remove \"awx-main\" from match.provider or change the rule",
                "10-x.toml:10: rule \"rotate-pco\", key \"when.age_over\": provider \"pco\" (Planning Center) has no creation time, which "
                    + "this trigger needs; remove \"pco\" from match.provider or change the rule",
                "10-x.toml:11: rule \"rotate-pco\", key \"action\": provider \"pco\" (Planning Center) has no revoke API or create API, "
                    + "which action = \"rotate\" needs; remove \"pco\" from match.provider or change the rule",
            ])
    }
}

extension PolicyLoader {
    /// The policy files a test expects to load cleanly, or a `ConfigError` with every problem.
    func load(directory: String, providers: [ProviderConfig]) throws(ConfigError) -> PolicySet {
        let (policies, problems) = read(directory: directory, providers: providers)
        guard problems.isEmpty else { throw ConfigError(problems: problems) }
        return policies
    }
}

/// `approve` and `approval_expires`: where they apply, and their bounds, each located.
@Suite struct ApprovalKeysTests {
    @Test(
        arguments: [
            ("action = \"notify\"\napprove = true", "approve\": applies to action = \"revoke\" and \"rotate\""),
            ("action = \"revoke\"\napproval_expires = \"2d\"", "approval_expires\": only applies with approve = true"),
            ("action = \"revoke\"\napprove = true\napproval_expires = \"30m\"", "must be at least 1h"),
            ("action = \"revoke\"\napprove = true\napproval_expires = \"200000000000d\"", "must be at most 90d"),
            ("action = \"revoke\"\napprove = \"yes\"", "true or false (without quotes)"),
        ])
    func aMisplacedOrUnboundedApprovalKeyIsRefused(_ keys: String, _ says: String) throws {
        let dir = try TemporaryDirectory()
        try dir.write("10.toml", "[[rule]]\nname = \"r\"\nwhen.age_over = \"30d\"\n\(keys)\n")
        let problems = PolicyLoader().read(directory: dir.path, providers: PolicyLoaderTests.providers).problems.map(\.description)
        #expect(problems.contains { $0.contains(says) && $0.contains("10.toml:") }, "\(problems)")
    }
}
