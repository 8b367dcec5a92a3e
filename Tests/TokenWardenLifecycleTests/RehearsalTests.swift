import Foundation
import Testing
import TokenWardenCore
import TokenWardenProviders
import TokenWardenSimulator
import TokenWardenStore
import TokenWardenTestSupport

@testable import TokenWardenLifecycle

/// `tokenwarden rehearse`: every step of a rotation on a probe token, against the simulator.
@Suite struct RehearsalTests {
    static func rehearsal(_ harness: LifecycleHarness, _ kind: ProviderKind) async throws -> Rehearsal {
        let setup = CycleSetup(
            configuration: harness.configuration, policies: try LifecycleHarness.policies(of: harness.configuration), http: harness.http)
        let ready = try #require(setup.drivers.first { $0.config.kind == kind })
        let (config, driver) = (ready.config, ready.driver)
        let credential = await harness.simulator.provider(kind).credential
        let http = harness.http
        return Rehearsal(
            provider: config, driver: driver, signer: driver,
            signerTokenID: kind == .sailPoint ? credential.split(separator: ":").first.map(String.init) : nil, owner: nil,
            store: harness.store, now: { harness.clock.now },
            probeDriver: { credential in try ProviderDrivers.make(for: config, credential: credential, http: http) })
    }

    @Test(arguments: [ProviderKind.sailPoint, .cryptlex, .synergy, .awx, .aap])
    func everyStepPassesAndNothingIsLeftBehindOrStored(kind: ProviderKind) async throws {
        let existing = LifecycleHarness.token("10", "deploy-bot", createdDaysAgo: 10, owner: LifecycleHarness.mainOwner(kind))
        try await LifecycleHarness.with(kinds: [kind], tokens: [kind: [existing]], policy: "") { harness async throws in
            let before = await harness.live(kind)
            let record = try await Self.rehearsal(harness, kind).run()
            #expect(record.passed == true, "\(record.steps.map { "\($0.number) \($0.result): \($0.evidence)" })")
            #expect(record.steps.map(\.name) == ["list", "create", "secret", "owner", "use", "fields", "revoke", "gone"])
            #expect(record.steps.allSatisfy { $0.result == .passed })
            #expect(record.probeName.hasPrefix("tokenwarden-rehearsal-") && record.probeName.count == 30)
            #expect(await harness.live(kind) == before, "the probe is gone and no existing token was touched")
            let issued = await harness.simulator.provider(kind).issuedSecrets
            #expect(issued.count == 1)
            let bytes = try harness.databaseBytes()
            #expect(!bytes.isEmpty)
            for secret in issued.values {
                #expect(!record.steps.map(\.evidence).joined().contains(secret))
                for data in bytes { #expect(data.range(of: Data(secret.utf8)) == nil, "the probe's secret is in the database") }
            }
            #expect(try harness.store.lastRehearsals()[harness.configuration.providers[0].id]?.map(\.verdict) == [record.verdict])
        }
    }

    @Test func aProbeMadeForAnotherUserFailsAtTheOwnerStepSaysWhoseAndIsRevoked() async throws {
        try await LifecycleHarness.with(kinds: [.awx], tokens: [.awx: []], policy: "") { harness async throws in
            await harness.simulator.provider(.awx).inject(SimulatorFault(provider: .awx, behaviour: .createForAnotherUser, count: 1))
            let record = try await Self.rehearsal(harness, .awx).run()
            #expect(record.passed == false && record.failedStep == 4)
            #expect(record.summary?.contains("the new token belongs to alice, not to admin (id 1)") == true, "\(record.summary ?? "")")
            #expect(record.steps.map(\.result) == [.passed, .passed, .passed, .failed, .skipped, .skipped, .passed, .passed])
            #expect(record.verdict.hasPrefix("failed ") && record.verdict.contains("at step 4: the new token belongs to alice"))
            #expect(await harness.live(.awx).isEmpty, "the probe was revoked")
        }
    }

    @Test func planningCenterCannotCreateSoOnlyItsListingIsChecked() async throws {
        try await LifecycleHarness.with(kinds: [.planningCenter], tokens: [.planningCenter: []], policy: "") { harness async throws in
            let record = try await Self.rehearsal(harness, .planningCenter).run()
            #expect(record.passed == true)
            #expect(record.steps.dropFirst().allSatisfy { $0.result == .skipped && $0.evidence.contains("no API to create tokens") })
            #expect(await harness.simulator.provider(.planningCenter).writes == 0)
        }
    }

    @Test func theProbeOfARehearsalTokenwardenStoppedDuringIsRevokedByTheNextCycle() async throws {
        try await LifecycleHarness.with(kinds: [.awx], tokens: [.awx: []], policy: "") { harness async throws in
            let store = harness.store
            let id = try store.beginRehearsal(provider: "sim-awx", owner: nil, probeName: "tokenwarden-rehearsal-0badc0de", at: harness.clock.now)
            let rehearsal = try await Self.rehearsal(harness, .awx)
            _ = try await rehearsal.driver.create(TokenCreation(name: "tokenwarden-rehearsal-0badc0de", scopes: ["read"]))
            #expect(await harness.live(.awx).count == 1)
            // While the create could still be landing, the run is left alone.
            _ = try await harness.cycle()
            #expect(await harness.live(.awx).count == 1)
            harness.clock.advance(by: Rehearsal.abandonedAfter + 1)
            _ = try await harness.cycle()
            #expect(await harness.live(.awx).isEmpty)
            let settled = try #require(try store.lastRehearsals()["sim-awx"]?.first)
            #expect(settled.id == id && settled.passed == false)
            #expect(
                settled.summary?.contains("the rehearsal did not finish (tokenwarden stopped, or its create got no answer); its probe") == true,
                "\(settled.summary ?? "")")
        }
    }
}
