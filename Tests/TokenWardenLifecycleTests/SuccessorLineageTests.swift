import Foundation
import Testing
import TokenWardenCore
import TokenWardenProviders
import TokenWardenSimulator
import TokenWardenStore
import TokenWardenTestSupport

@testable import TokenWardenLifecycle

/// A successor carries another name than the token it replaces, and the lineage keeps rules on it.
@Suite struct SuccessorLineageTests {
    @Test func theSailPointSimulatorRefusesASecondTokenOfOneNameForOneOwnerAsTheSpecSays() async throws {
        try await LifecycleHarness.with(
            kinds: [.sailPoint], tokens: [.sailPoint: []], policy: ""
        ) { harness async throws in
            let setup = CycleSetup(
                configuration: harness.configuration, policies: try LifecycleHarness.policies(of: harness.configuration), http: harness.http)
            let driver = try #require(setup.drivers.first?.driver)
            let request = TokenCreation(name: "ci-deploy", scopes: ["sp:search:read"], expiresAt: Date().addingTimeInterval(86_400))
            _ = try await driver.create(request)
            do {
                _ = try await driver.create(request)
                Issue.record("a second token named ci-deploy was created")
            } catch {
                #expect("\(error)".contains("400") && "\(error)".contains("A personal access token named ci-deploy already exists"), "\(error)")
            }
            var other = request
            other.name = "ci-deploy (rotated 2026-12-06)"
            _ = try await driver.create(other)
        }
    }

    @Test func aRuleWrittenForTheBaseNameRotatesTheSuccessorAgainUnderOneMarker() async throws {
        let directory = try TemporaryDirectory()
        let policy = TokenRotatorTests.policy("{ file = \"\(directory.subpath("sp.token"))\" }")
        try await LifecycleHarness.with(
            kinds: [.sailPoint],
            tokens: [
                .sailPoint: [LifecycleHarness.token("0000000000000000000000000000000a", "deploy-bot", createdDaysAgo: 100, owner: "tokenwarden")]
            ],
            policy: policy, enforce: true
        ) { harness async throws in
            let store = harness.store
            let firstDay = ProviderTimestamp.formatDay(harness.clock.now)
            #expect(try await harness.cycle().events.map(\.kind) == [.tokenRotated])
            // The next poll lists the successor: its row takes the lineage recorded at its creation.
            #expect(try await harness.cycle().events.isEmpty)
            let second = try #require(
                try store.tokens(matching: TokenQuery(states: [.active]), at: harness.clock.now).first { $0.name != "tokenwarden" })
            #expect(second.name == "deploy-bot (rotated \(firstDay))")
            #expect(second.baseName == "deploy-bot" && second.successorOf == "0000000000000000000000000000000a")
            #expect(try store.successors(provider: "sim-sailpoint", of: "0000000000000000000000000000000a") == [second.id])
            let discovered = try #require(try store.history(provider: "sim-sailpoint", tokenID: second.id).first)
            #expect(discovered.detail == "successor of 0000000000000000000000000000000a (lineage \"deploy-bot\")")

            // 61 days on, the rule written for "deploy-bot" selects the successor by its lineage.
            harness.clock.advance(by: 61 * 86_400)
            let laterDay = ProviderTimestamp.formatDay(harness.clock.now)
            #expect(try harness.decisions().map(\.token.id) == [second.id])
            #expect(try await harness.cycle().events.map(\.kind) == [.tokenRotated])
            let rotation = try #require(try store.rotations(provider: "sim-sailpoint", tokenID: second.id).first)
            #expect(rotation.state == .done)
            #expect(rotation.newTokenName == "deploy-bot (rotated \(laterDay))", "the marker is replaced, not stacked")
            let third = try #require(rotation.newTokenID)
            #expect(try store.successors(provider: "sim-sailpoint", of: second.id) == [third])
            #expect(await harness.live(.sailPoint).map(\.name) == ["deploy-bot (rotated \(laterDay))"])
        }
    }
}
