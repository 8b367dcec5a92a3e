import Testing
import TokenWardenConfig
import TokenWardenCore

@Suite struct EnforcementCheckTests {
    static func configuration(enforce: Bool, selfTokenID: String? = nil) -> Configuration {
        Configuration(
            sourcePath: "/etc/tokenwarden/tokenwarden.toml",
            daemon: DaemonSettings(stateDirectory: "/s", policyDirectory: "/p", enforce: enforce),
            providers: [
                ProviderConfig(id: "sp", kind: .sailPoint, baseURL: "https://sp", credential: .systemd(name: "sp")),
                ProviderConfig(id: "awx", kind: .awx, baseURL: "https://awx", credential: .systemd(name: "awx"), selfTokenID: selfTokenID),
                ProviderConfig(id: "pco", kind: .planningCenter, baseURL: "https://pco", credential: .systemd(name: "pco")),
            ])
    }

    static func rule(_ name: String, _ action: RuleAction, provider: String? = nil) -> Rule {
        Rule(
            name: name, sourceFile: "10.toml", match: TokenMatch(providers: provider.map { [$0] } ?? []),
            triggers: [.ageOver(.days(90))], action: action, delivery: action == .rotate ? .file(path: "/t") : nil)
    }

    @Test func refusesEnforcementWhereAWritingRuleCouldHitAnUnknownOwnToken() {
        let problems = EnforcementCheck.problems(
            configuration: Self.configuration(enforce: true),
            rules: [Self.rule("old", .revoke), Self.rule("warn", .notify), Self.rule("roll", .rotate)])
        #expect(
            problems.map(\.description) == [
                "/etc/tokenwarden/tokenwarden.toml: provider \"awx\", key \"self_token_id\": enforce = true, and rules \"old\", \"roll\" "
                    + "could revoke or rotate the token tokenwarden itself signs in to awx with; set "
                    + "self_token_id to that token's id so tokenwarden never acts on it. `tokenwarden tokens --provider awx` lists them "
                    + "after a sync (run one with enforce = false first) and says which it can tell; `tokenwarden validate --online` shows "
                    + "whom the credential signs in as"
            ])
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let label: String
        let enforce: Bool
        let selfTokenID: String?
        let rules: [Rule]
        var testDescription: String { label }
    }

    @Test(arguments: [
        Case(label: "report-only", enforce: false, selfTokenID: nil, rules: [rule("old", .revoke)]),
        Case(label: "own token named", enforce: true, selfTokenID: "12", rules: [rule("old", .revoke)]),
        Case(label: "notify rules only", enforce: true, selfTokenID: nil, rules: [rule("warn", .notify)]),
        Case(
            label: "writing rules for other providers only", enforce: true, selfTokenID: nil,
            rules: [rule("old", .revoke, provider: "sp"), rule("pc", .revoke, provider: "pco")]),
    ])
    func allowsEnforcementWhenTheOwnTokenIsSafe(_ example: Case) {
        #expect(
            EnforcementCheck.problems(
                configuration: Self.configuration(enforce: example.enforce, selfTokenID: example.selfTokenID),
                rules: example.rules
            ).isEmpty)
    }
}
