import Foundation
import Testing
import TokenWardenCore

@Suite struct TokenRotationTests {
    static let now = PolicyEngineTests.now
    static let day = PolicyEngineTests.day

    @Test func aSuccessorIsNamedAfterItsLineageAndKeepsExactScopesExpectedOwnerAndLifetime() throws {
        var old = PolicyEngineTests.token("awx", id: "42", name: "deploy-bot", created: -400, expires: -35)
        old.scopes = ["write"]
        old.extras = ["user_id": "7"]
        let request = try old.successorRequest(kind: .awx, now: Self.now)
        let day = ProviderTimestamp.formatDay(Self.now)
        #expect(
            request
                == TokenCreation(name: "deploy-bot (rotated \(day))", scopes: ["write"], expiresAt: Self.now + 365 * Self.day, ownerID: "7"))
        #expect(try old.successorRequest(kind: .awx, now: Self.now, name: "chosen").name == "chosen")
    }

    @Test func aSuccessorOfATokenWithoutLifetimeGetsTheProviderDefaultWhereNoneMeansTheDefault() throws {
        var awx = PolicyEngineTests.token("awx", created: -10, expires: nil)
        awx.scopes = ["read"]
        #expect(try awx.successorRequest(kind: .awx, now: Self.now).expiresAt == nil)
        #expect(try awx.successorRequest(kind: .awx, now: Self.now).neverExpires == false)
        var undated = PolicyEngineTests.token("awx", created: nil, expires: 30)
        undated.scopes = ["read"]
        #expect(try undated.successorRequest(kind: .awx, now: Self.now).expiresAt == nil)
    }

    @Test func aNeverExpiringSailPointTokensSuccessorNeverExpiresAndKeepsItsAccessTokenValidity() throws {
        var old = PolicyEngineTests.token("sp", created: -10, expires: nil)
        old.scopes = ["sp:search:read"]
        old.extras = ["owner_id": "2c91", "access_token_validity_seconds": "3600"]
        let request = try old.successorRequest(kind: .sailPoint, now: Self.now)
        #expect(request.neverExpires && request.expiresAt == nil)
        #expect(request.validitySeconds == 3600 && request.ownerID == "2c91")
    }

    @Test(arguments: [ProviderKind.sailPoint, .cryptlex, .awx])
    func aTokenWhoseScopesAreUnknownGetsNoSuccessorRatherThanTheProvidersDefault(kind: ProviderKind) {
        let old = PolicyEngineTests.token("sp", created: -10, expires: 30)
        #expect(throws: Token.SuccessorError.self) { try old.successorRequest(kind: kind, now: Self.now) }
    }

    @Test func aSynergyTokenHasNoScopesToCopy() throws {
        let old = PolicyEngineTests.token("sy", created: -10, expires: 30)
        #expect(try old.successorRequest(kind: .synergy, now: Self.now).scopes.isEmpty)
    }

    @Test func aDecisionsFactsIgnoreTheClockButNotTheTokensFacts() {
        let token = PolicyEngineTests.token(created: -500, used: -400)
        let rules = [PolicyEngineTests.rule("stale", .revoke, [.unusedFor(.days(90))])]
        let providers = PolicyEngineTests.providers
        let today = PolicyEngine.evaluate(tokens: [token], rules: rules, providers: providers, signers: .everyOwner(of: providers), now: Self.now)
        let tomorrow = PolicyEngine.evaluate(
            tokens: [token], rules: rules, providers: providers, signers: .everyOwner(of: providers),
            now: Self.now + Self.day)
        #expect(today.count == 1 && tomorrow.count == 1)
        #expect(today[0].reason != tomorrow[0].reason)
        #expect(today[0].factsKey == tomorrow[0].factsKey)

        var used = token
        used.lastUsedAt = Self.now - 100 * Self.day
        let after = PolicyEngine.evaluate(tokens: [used], rules: rules, providers: providers, signers: .everyOwner(of: providers), now: Self.now)
        #expect(after.count == 1 && after[0].factsKey != today[0].factsKey)
    }
}
