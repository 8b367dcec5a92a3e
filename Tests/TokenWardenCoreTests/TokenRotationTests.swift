import Foundation
import Testing
import TokenWardenCore

@Suite struct TokenRotationTests {
    static let now = PolicyEngineTests.now
    static let day = PolicyEngineTests.day

    @Test func aSuccessorKeepsNameScopesOwnerAndLifetime() {
        var old = PolicyEngineTests.token("awx", id: "42", name: "deploy-bot", created: -400, expires: -35)
        old.scopes = ["write"]
        old.extras = ["user_id": "7"]
        let request = old.successorRequest(now: Self.now)
        #expect(request == TokenCreation(name: "deploy-bot", scopes: ["write"], expiresAt: Self.now + 365 * Self.day, ownerID: "7"))
    }

    @Test func aSuccessorOfATokenWithoutLifetimeGetsTheProviderDefault() {
        #expect(PolicyEngineTests.token(created: -10, expires: nil).successorRequest(now: Self.now).expiresAt == nil)
        #expect(PolicyEngineTests.token(created: nil, expires: 30).successorRequest(now: Self.now).expiresAt == nil)
    }

    @Test func aDecisionsFactsIgnoreTheClockButNotTheTokensFacts() {
        let token = PolicyEngineTests.token(created: -500, used: -400)
        let rules = [PolicyEngineTests.rule("stale", .revoke, [.unusedFor(.days(90))])]
        let providers = PolicyEngineTests.providers
        let today = PolicyEngine.evaluate(tokens: [token], rules: rules, providers: providers, now: Self.now)
        let tomorrow = PolicyEngine.evaluate(tokens: [token], rules: rules, providers: providers, now: Self.now + Self.day)
        #expect(today.count == 1 && tomorrow.count == 1)
        #expect(today[0].reason != tomorrow[0].reason)
        #expect(today[0].factsKey == tomorrow[0].factsKey)

        var used = token
        used.lastUsedAt = Self.now - 100 * Self.day
        let after = PolicyEngine.evaluate(tokens: [used], rules: rules, providers: providers, now: Self.now)
        #expect(after.count == 1 && after[0].factsKey != today[0].factsKey)
    }
}
