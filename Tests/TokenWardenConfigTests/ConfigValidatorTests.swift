import Foundation
import Testing
import TokenWardenConfig
import TokenWardenTestSupport

@Suite struct ConfigValidatorTests {
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
        let report = ConfigValidator(environment: [:]).validate(path: config)
        #expect(!report.isValid)
        let messages = report.problems.map(\.description)
        #expect(messages.count == 3)
        #expect(messages[0].contains("key \"poll_interval\": \"5x\" is not a duration: unknown unit \"x\""))
        #expect(
            messages[1]
                == "\(config): provider \"awx-main\", key \"credential\": credential file \(credential) has mode 0644: group or others may "
                + "access it; run: chmod 600 \(credential)"
        )
        #expect(messages[2].contains("provider \"awx-main\" (AWX / Tower / AAP ≤ 2.4) has no last-used data"))
        #expect(!messages.joined().contains(secret))
    }

    @Test func aConfigWithoutProvidersIsInvalid() throws {
        let dir = try TemporaryDirectory()
        let config = try dir.write("tokenwarden.toml", "[daemon]\nenforce = false\n")
        let report = ConfigValidator(environment: [:]).validate(path: config)
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
        let report = ConfigValidator(environment: [:]).validate(path: config)
        #expect(report.isValid)
        #expect(report.credentials.map(\.mode) == [0o400])
        #expect(report.policies?.rules.isEmpty == true)
    }
}
