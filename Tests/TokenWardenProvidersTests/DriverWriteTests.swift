import Foundation
import Testing
import TokenWardenCore
import TokenWardenProviders
import TokenWardenSimulator

/// Revoke and create against the simulated APIs, which change state as the real ones do.
@Suite struct DriverWriteTests {
    @Test(arguments: [ProviderKind.sailPoint, .synergy, .awx])
    func revokingDeletesTheTokenAndASecondRevokeFindsItGone(kind: ProviderKind) async throws {
        let harness = try await SimulatorHarness.start(tokens: 5)
        let driver = try harness.driver(kind)
        let target = await harness.simulator.provider(kind).tokens[2].id
        #expect(try await driver.revoke(tokenID: target) == .revoked)
        #expect(await harness.simulator.provider(kind).tokens.map(\.id).contains(target) == false)
        #expect(try await driver.revoke(tokenID: target) == .alreadyGone)
        await harness.close()
    }

    @Test func revokingOnCryptlexKeepsTheTokenListedAsRevoked() async throws {
        let harness = try await SimulatorHarness.start(tokens: 5)
        let driver = try harness.driver(.cryptlex)
        let target = await harness.simulator.provider(.cryptlex).tokens.first { !$0.revoked }!.id
        #expect(try await driver.revoke(tokenID: target) == .revoked)
        let listed = try await collect(driver.tokens()).tokens
        #expect(listed.first { $0.id == target }?.revoked == true)
        #expect(try await driver.revoke(tokenID: "00000000-0000-0000-0000-000000000000") == .alreadyGone)
        await harness.close()
    }

    @Test(arguments: [ProviderKind.sailPoint, .cryptlex, .awx])
    func aRevokeTheProviderAnswersWith404CountsAsAlreadyGone(kind: ProviderKind) async throws {
        let harness = try await SimulatorHarness.start(tokens: 3, faults: [SimulatorFault(provider: kind, behaviour: .missingOnDelete, count: 1)])
        let target = await harness.simulator.provider(kind).tokens[0].id
        #expect(try await harness.driver(kind).revoke(tokenID: target) == .alreadyGone)
        await harness.close()
    }

    @Test(arguments: [ProviderKind.sailPoint, .cryptlex, .synergy, .awx])
    func creatingReturnsTheNewIdAndSecretOnce(kind: ProviderKind) async throws {
        let harness = try await SimulatorHarness.start(tokens: 4)
        let driver = try harness.driver(kind)
        let expires = Date().addingTimeInterval(30 * 86_400)
        let created = try await driver.create(TokenCreation(name: "deploy-bot-next", scopes: kind == .awx ? ["write"] : [], expiresAt: expires))
        let listed = try await collect(driver.tokens()).tokens
        await harness.close()
        #expect(listed.count == 5)
        let new = try #require(listed.first { $0.id == created.id })
        #expect(new.name == "deploy-bot-next")
        #expect(!created.secret.reveal().isEmpty)
        #expect("\(created.secret)" == "<redacted>" && "\(created)".contains(created.secret.reveal()) == false)
        if kind == .sailPoint || kind == .cryptlex {
            #expect(abs((created.expiresAt ?? .distantPast).timeIntervalSince(expires)) < 1)
        }
    }

    @Test func planningCenterCannotRevokeOrCreateAndSaysWhoMust() async throws {
        let harness = try await SimulatorHarness.start(tokens: 2)
        let driver = try harness.driver(.planningCenter)
        let revoke = await providerError { _ = try await driver.revoke(tokenID: "400001") }
        let create = await providerError { _ = try await driver.create(TokenCreation(name: "x")) }
        await harness.close()
        #expect(revoke?.kind == .unsupported && revoke?.description.contains("a person must revoke token 400001") == true)
        #expect(create?.kind == .unsupported)
    }
}
