import Foundation
import Testing
import TokenWardenCore
import TokenWardenJournal
import TokenWardenProviders
import TokenWardenSimulator
import TokenWardenStore
import TokenWardenTestSupport

@testable import TokenWardenLifecycle

/// `revoke_old = "when-successor-used"`: the old token is revoked on evidence, not on a timer.
@Suite struct SwitchOverTests {
    static func policy(_ file: String) -> String {
        """
        [[rule]]
        name = "rotate-deploy"
        match.name = "deploy-bot"
        when.age_over = "60d"
        action = "rotate"
        deliver = { file = "\(file)" }
        overlap = "0s"
        revoke_old = "when-successor-used"
        switch_over_deadline = "2h"

        """
    }

    /// Signs in to the gateway with the delivered secret, as the consumer would (the gateway moves `last_used`).
    static func consume(_ path: String, harness: LifecycleHarness) async throws {
        let secret = try String(contentsOfFile: path, encoding: .utf8)
        let config = try #require(harness.configuration.providers.first)
        let consumer = try ProviderDrivers.make(for: config, credential: try Credential(content: secret, format: .bearer), http: harness.http)
        #expect(try await consumer.identity() != nil)
    }

    @Test func theOldTokenIsRevokedAtTheFirstCycleThatSeesTheSuccessorUsed() async throws {
        let directory = try TemporaryDirectory()
        let file = directory.subpath("aap.token")
        try await LifecycleHarness.with(
            kinds: [.aap], tokens: [.aap: [LifecycleHarness.token("10", "deploy-bot", createdDaysAgo: 100)]], policy: Self.policy(file),
            enforce: true
        ) { harness async throws in
            // The harness's clock a little behind the simulator's, whose `last_used` has whole seconds.
            harness.clock.advance(by: -5)
            #expect(try await harness.cycle().events.map(\.kind) == [.rotationDelivered])
            #expect(await harness.live(.aap).count == 2, "both tokens live while waiting")
            harness.clock.advance(by: 60)
            #expect(try await harness.cycle().events.isEmpty, "waiting says nothing")
            let waiting = try #require(try harness.store.unfinishedRotations().first)
            #expect(waiting.awaitsSwitchOver && waiting.stalledAt == nil)
            #expect(
                try harness.store.inventoryMetrics(at: harness.clock.now, expiringDays: [], unusedDays: [], horizon: 0, limit: 0).awaitingSwitchOver
                    == 1)

            try await Self.consume(file, harness: harness)
            let done = try await harness.cycle().events
            #expect(done.map(\.kind) == [.tokenRotated], "\(done.map(\.message))")
            let live = await harness.live(.aap)
            #expect(live.count == 1 && live.first?.id != "10", "only the successor is live")
        }
    }

    @Test func anUnusedSuccessorStallsOnceAtTheDeadlineKeepsTheOldTokenAndFinishIsByHand() async throws {
        let directory = try TemporaryDirectory()
        let file = directory.subpath("aap.token")
        try await LifecycleHarness.with(
            kinds: [.aap], tokens: [.aap: [LifecycleHarness.token("10", "deploy-bot", createdDaysAgo: 100)]], policy: Self.policy(file),
            enforce: true
        ) { harness async throws in
            #expect(try await harness.cycle().events.map(\.kind) == [.rotationDelivered])
            harness.clock.advance(by: 2 * 3_600 + 1)
            let stalled = try await harness.cycle().events
            #expect(stalled.map(\.kind) == [.switchOverStalled])
            #expect(stalled.first?.priority == .error, "an alert for alert_to")
            #expect(stalled.first?.message.contains("the consumer of deploy-bot still uses the old token") == true, "\(stalled.map(\.message))")
            harness.clock.advance(by: 3_600)
            #expect(try await harness.cycle().events.isEmpty, "said once")
            #expect(await harness.live(.aap).count == 2, "the old token stays valid")
            let record = try #require(try harness.store.unfinishedRotations().first)
            #expect(record.stalledAt != nil && record.state == .delivered)

            let token = try #require(try harness.store.token(provider: "sim-aap", id: "10"))
            let setup = CycleSetup(
                configuration: harness.configuration, policies: try LifecycleHarness.policies(of: harness.configuration), http: harness.http)
            let rotator = TokenRotator(
                store: harness.store, spool: SecretSpool(stateDirectory: harness.configuration.daemon.stateDirectory), createSettles: 1,
                now: { harness.clock.now })
            let finished = try await rotator.finish(record, token: token, driver: try #require(setup.drivers.first?.driver), by: "alice (uid 1000)")
            #expect(finished.state == .done)
            #expect(await harness.live(.aap).map(\.id).contains("10") == false)
            let steps = try harness.store.history(provider: "sim-aap", tokenID: "10").filter { $0.source == .rotation }
            #expect(steps.contains { $0.detail.contains("finished by alice (uid 1000) with `rotate --finish`") })
        }
    }
}
