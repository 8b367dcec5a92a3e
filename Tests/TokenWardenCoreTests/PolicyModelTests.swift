import Foundation
import Testing
import TokenWardenCore

@Suite struct PolicyModelTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func token(name: String = "ci-build-1", owner: String? = "alice", scopes: [String] = ["read"]) -> Token {
        Token(provider: "awx-main", id: "1", name: name, owner: owner, scopes: scopes, state: .active, firstSeenAt: now, lastSeenAt: now)
    }

    @Test(arguments: [
        ("ci-*", "ci-build-1", true), ("ci-*", "deploy-bot", false), ("build-??", "build-42", true),
        ("build-??", "build-420", false), ("[a-c]*", "backup", true), ("[a-c]*", "deploy", false),
        ("deploy-bot", "deploy-bot", true),
    ])
    func globsMatchLikeTheShell(pattern: String, name: String, matches: Bool) {
        #expect(Glob(pattern).matches(name) == matches)
    }

    @Test func anEmptyMatchMatchesEverything() {
        #expect(TokenMatch().matches(Self.token()))
        #expect(TokenMatch().matches(Self.token(owner: nil, scopes: [])))
    }

    @Test func allMatchFiltersMustHold() {
        let match = TokenMatch(providers: ["awx-main"], names: [Glob("ci-*")], owners: [Glob("a*")], scopes: ["write", "read"])
        #expect(match.matches(Self.token()))
        #expect(!match.matches(Self.token(name: "deploy-bot")))
        #expect(!match.matches(Self.token(owner: "bob")))
        #expect(!match.matches(Self.token(owner: nil)))
        #expect(!match.matches(Self.token(scopes: ["admin"])))
        #expect(!TokenMatch(providers: ["other"]).matches(Self.token()))
    }

    @Test func strongestActionWins() {
        #expect([RuleAction.notify, .revoke, .rotate].max() == .revoke)
        #expect([RuleAction.notify, .rotate].max() == .rotate)
    }

    @Test func ruleNeedsTheUnionOfItsTriggersAndActionCapabilities() {
        let rule = Rule(name: "r", sourceFile: "f", triggers: [.unusedFor(.days(90)), .expiresWithin(.days(14))], action: .rotate)
        #expect(rule.requiredCapabilities == [.lastUsed, .creationTime, .expiry, .create, .revoke])
    }

    @Test func aRuleWithoutProviderFilterSkipsProvidersThatCannotServeIt() {
        let providers = ProviderKind.allCases.map {
            ProviderConfig(id: $0.rawValue + "-1", kind: $0, baseURL: "https://x", credential: .systemd(name: "x"))
        }
        let stale = Rule(name: "stale", sourceFile: "f", triggers: [.unusedFor(.days(90))], action: .revoke)
        let applicability = stale.applicability(to: providers)
        #expect(applicability.providers.map(\.kind) == [.sailPoint, .cryptlex, .aap])
        #expect(applicability.skipped.map(\.provider.kind) == [.planningCenter, .synergy, .awx])
        #expect(applicability.skipped.first { $0.provider.kind == .awx }?.missing == .lastUsed)

        let named = Rule(name: "n", sourceFile: "f", match: TokenMatch(providers: ["awx-1"]), triggers: [.ageOver(.days(1))], action: .notify)
        #expect(named.applicability(to: providers).providers.map(\.id) == ["awx-1"])
        #expect(named.applicability(to: providers).skipped.isEmpty)
    }
}
