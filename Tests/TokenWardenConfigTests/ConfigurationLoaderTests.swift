import Foundation
import Testing
import TokenWardenConfig
import TokenWardenTestSupport

@Suite struct ConfigurationLoaderTests {
    @Test func reportsConfigCredentialAndPolicyProblemsTogether() throws {
        let dir = try TemporaryDirectory()
        let secret = "PLANTED-validator-secret"
        let credential = try dir.write("awx.cred", secret, mode: 0o644)
        let config = try dir.write(
            "tokenwarden.toml",
            """
            [daemon]
            poll_interval = "5x"

            [[provider]]
            id = "awx-main"
            kind = "awx"
            base_url = "https://awx.example.com"
            credential = "\(credential)"
            """)
        try dir.write("policies.d/10.toml", "[[rule]]\nname = \"r\"\nwhen.unused_for = \"1d\"\naction = \"notify\"\nmatch.provider = \"awx-main\"\n")
        let report = ConfigurationLoader(environment: [:]).read(path: config)
        #expect(!report.isValid)
        let messages = report.problems.map(\.description)
        #expect(messages.count == 3)
        #expect(messages[0].contains("key \"poll_interval\": \"5x\" is not a duration: unknown unit \"x\""))
        #expect(
            messages[1]
                == "\(config):8: provider \"awx-main\", key \"credential\": credential file \(credential) has mode 0644: group or others may "
                + "access it; run: chmod 600 \(credential)"
        )
        #expect(messages[2].contains("provider \"awx-main\" (AWX / Tower / AAP ≤ 2.4) has no last-used data"))
        #expect(!messages.joined().contains(secret))
    }

    /// Found in one run, each where it is: a credential's file:line, every permission problem, the
    /// missing `self_token_id` at its provider, and no follow-on error about a provider whose own
    /// table was refused.
    @Test func everyProblemIsLocatedAndNoneIsAFollowOn() throws {
        let dir = try TemporaryDirectory()
        let config = try dir.write(
            "tokenwarden.toml",
            """
            [daemon]
            enforce = true

            [[provider]]
            id = "awx-main"
            kind = "awx"
            base_url = "https://awx.example.com"
            credential = "\(dir.subpath("missing.cred"))"

            [[provider]]
            id = "tower"
            kind = "awx-tower"
            base_url = "https://awx.example.com"
            credential = "\(dir.subpath("missing.cred"))"
            """)
        try dir.write("policies.d/10.toml", "[[rule]]\nname = \"r\"\nwhen.expires_within = \"1d\"\naction = \"revoke\"\n", mode: 0o666)
        try dir.write("policies.d/20.toml", "[[rule]]\nname = \"t\"\nwhen.expires_within = \"1d\"\naction = \"notify\"\nmatch.provider = \"tower\"\n")
        #expect(chmod(dir.subpath("policies.d"), 0o777) == 0)
        let unsafe = ConfigurationLoader(environment: [:]).read(path: config).problems.map(\.description)
        #expect(unsafe.contains { $0.hasPrefix("\(config):12: provider \"tower\", key \"kind\": unknown kind \"awx-tower\"") }, "\(unsafe)")
        #expect(unsafe.contains { $0.hasPrefix("\(config):8: provider \"awx-main\", key \"credential\": credential file") }, "\(unsafe)")
        #expect(unsafe.contains { $0.hasPrefix(dir.subpath("policies.d") + ": this directory has mode 0777") })
        #expect(unsafe.contains { $0.hasPrefix(dir.subpath("policies.d/10.toml") + ": this file has mode 0666") }, "both in one run")

        #expect(chmod(dir.subpath("policies.d"), 0o755) == 0 && chmod(dir.subpath("policies.d/10.toml"), 0o644) == 0)
        let safe = ConfigurationLoader(environment: [:]).read(path: config).problems.map(\.description)
        #expect(!safe.contains { $0.contains("no provider has id \"tower\"") }, "\(safe)")
        #expect(safe.contains { $0.hasPrefix("\(config):4: provider \"awx-main\", key \"self_token_id\": enforce = true") }, "\(safe)")
    }

    @Test func aConfigWithoutProvidersIsInvalid() throws {
        let dir = try TemporaryDirectory()
        let config = try dir.write("tokenwarden.toml", "[daemon]\nenforce = false\n")
        let report = ConfigurationLoader(environment: [:]).read(path: config)
        #expect(report.problems.map(\.description) == ["\(config): no [[provider]] tables: tokenwarden has nothing to watch"])
    }

    @Test func aValidSetupHasNoProblemsAndKnowsEachCredentialMode() throws {
        let dir = try TemporaryDirectory()
        let credential = try dir.write("cred", "token", mode: 0o400)
        let config = try dir.write(
            "tokenwarden.toml",
            """
            [[provider]]
            id = "awx-main"
            kind = "awx"
            base_url = "https://awx.example.com"
            credential = "\(credential)"
            """)
        let report = ConfigurationLoader(environment: [:]).read(path: config)
        #expect(report.isValid)
        #expect(report.credentials.map(\.mode) == [0o400])
        #expect(report.policies?.rules.isEmpty == true)
    }
}
