import Foundation
import Testing
import TokenWardenCore
import TokenWardenProviders
import TokenWardenSimulator

/// Revoke and create against the simulated APIs, which change state as the real ones do.
@Suite struct DriverWriteTests {
    @Test(arguments: [ProviderKind.sailPoint, .synergy, .awx])
    func revokingDeletesTheTokenAndASecondRevokeFindsItGone(kind: ProviderKind) async throws {
        try await SimulatorHarness.withHarness(tokens: 5) { (harness: SimulatorHarness) async throws in
            let driver = try harness.driver(kind)
            let target = await harness.simulator.provider(kind).tokens[2].id
            #expect(try await driver.revoke(tokenID: target) == .revoked)
            #expect(await harness.simulator.provider(kind).tokens.map(\.id).contains(target) == false)
            #expect(try await driver.revoke(tokenID: target) == .alreadyGone)
        }
    }

    @Test func revokingOnCryptlexKeepsTheTokenListedAsRevoked() async throws {
        try await SimulatorHarness.withHarness(tokens: 5) { (harness: SimulatorHarness) async throws in
            let driver = try harness.driver(.cryptlex)
            let target = try #require(await harness.simulator.provider(.cryptlex).tokens.first { !$0.revoked }).id
            #expect(try await driver.revoke(tokenID: target) == .revoked)
            let listed = try await collect(driver.tokens()).tokens
            #expect(listed.first { $0.id == target }?.revoked == true)
            #expect(try await driver.revoke(tokenID: "00000000-0000-0000-0000-000000000000") == .alreadyGone)
        }
    }

    @Test(arguments: [ProviderKind.sailPoint, .cryptlex, .awx])
    func aRevokeTheProviderAnswersWith404CountsAsAlreadyGone(kind: ProviderKind) async throws {
        try await SimulatorHarness.withHarness(tokens: 3, faults: [SimulatorFault(provider: kind, behaviour: .missingOnDelete, count: 1)]) {
            (harness: SimulatorHarness) async throws in
            let target = await harness.simulator.provider(kind).tokens[0].id
            #expect(try await harness.driver(kind).revoke(tokenID: target) == .alreadyGone)
        }
    }

    @Test(arguments: [ProviderKind.sailPoint, .cryptlex, .synergy, .awx])
    func creatingReturnsTheNewIdAndSecretOnce(kind: ProviderKind) async throws {
        let expires = Date().addingTimeInterval(30 * 86_400)
        let (created, listed) = try await SimulatorHarness.withHarness(tokens: 4) { (harness: SimulatorHarness) async throws in
            let driver = try harness.driver(kind)
            let scopes: [ProviderKind: [String]] = [.awx: ["write"], .sailPoint: ["sp:search:read"], .cryptlex: ["license:read"], .synergy: []]
            let created = try await driver.create(TokenCreation(name: "deploy-bot-next", scopes: scopes[kind]!, expiresAt: expires))
            return (created, try await collect(driver.tokens()).tokens)
        }
        #expect(listed.count == SimulatorHarness.listed(5, kind))
        let new = try #require(listed.first { $0.id == created.id })
        #expect(new.name == "deploy-bot-next")
        #expect(!created.secret.reveal().isEmpty)
        #expect("\(created.secret)" == "<redacted>" && "\(created)".contains(created.secret.reveal()) == false)
        if kind == .sailPoint || kind == .cryptlex {
            #expect(abs((created.expiresAt ?? .distantPast).timeIntervalSince(expires)) < 1)
        }
    }

    @Test(arguments: [ProviderKind.sailPoint, .cryptlex, .awx])
    func aCreateWithoutScopesIsRefusedBeforeAskingForTheProvidersDefault(kind: ProviderKind) async throws {
        let (error, writes) = try await SimulatorHarness.withHarness(tokens: 2) { (harness: SimulatorHarness) async throws in
            let error = await providerError { _ = try await harness.driver(kind).create(TokenCreation(name: "no-scopes")) }
            return (error, await harness.simulator.provider(kind).writes)
        }
        #expect(error?.kind == .unsupported)
        #expect(writes == 0)
    }

    @Test func aSailPointSuccessorBeyondSixMonthsOrNeverExpiringIsCreatedThroughV2025WithItsAccessTokenValidity() async throws {
        let far = Date().addingTimeInterval(300 * 86_400)
        let (long, never, listed) = try await SimulatorHarness.withHarness(tokens: 1) { (harness: SimulatorHarness) async throws in
            let driver = try harness.driver(.sailPoint)
            let long = try await driver.create(TokenCreation(name: "year", scopes: ["sp:search:read"], expiresAt: far, validitySeconds: 3600))
            let never = try await driver.create(TokenCreation(name: "never", scopes: ["sp:search:read"], neverExpires: true))
            return (long, never, try await collect(driver.tokens()).tokens)
        }
        #expect(abs((long.expiresAt ?? .distantPast).timeIntervalSince(far)) < 1, "not cut to v3's six months")
        #expect(never.expiresAt == nil)
        #expect(listed.first { $0.id == long.id }?.extras["access_token_validity_seconds"] == "3600")
    }

    @Test func aCryptlexCreateAnsweredWithoutTheTokensValueIsRevokedAtOnce() async throws {
        let (error, made) = try await SimulatorHarness.withHarness(
            tokens: 1, faults: [SimulatorFault(provider: .cryptlex, behaviour: .createWithoutSecret)]
        ) {
            (harness: SimulatorHarness) async throws in
            let error = await providerError { _ = try await harness.driver(.cryptlex).create(TokenCreation(name: "x", scopes: ["license:read"])) }
            return (error, await harness.simulator.provider(.cryptlex).tokens.filter { $0.name == "x" })
        }
        #expect(error?.kind == .malformedResponse && error?.message.contains("was revoked at once") == true, "\(String(describing: error))")
        #expect(made.count == 1 && made.allSatisfy(\.revoked), "the token nobody holds is not left live")
    }

    @Test func planningCenterCannotRevokeOrCreateAndSaysWhoMust() async throws {
        let (revoke, create) = try await SimulatorHarness.withHarness(tokens: 2) { (harness: SimulatorHarness) async throws in
            let driver = try harness.driver(.planningCenter)
            return (
                await providerError { _ = try await driver.revoke(tokenID: "400001") },
                await providerError { _ = try await driver.create(TokenCreation(name: "x")) }
            )
        }
        #expect(revoke?.kind == .unsupported && revoke?.description.contains("a person must revoke token 400001") == true)
        #expect(create?.kind == .unsupported)
    }
}
