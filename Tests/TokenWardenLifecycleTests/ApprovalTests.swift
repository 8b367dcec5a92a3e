import Foundation
import Testing
import TokenWardenCore
import TokenWardenJournal
import TokenWardenSimulator
import TokenWardenStore
import TokenWardenTestSupport

@testable import TokenWardenLifecycle

/// Rules with `approve = true`, through whole cycles against the simulator on the test clock:
/// asked once, told to `notify.to`, approved or denied by a person, lapsed on new facts or in time.
@Suite struct ApprovalTests {
    static let policy = """
        [[rule]]
        name = "revoke-old-ci"
        match.name = "ci-*"
        when.age_over = "365d"
        action = "revoke"
        approve = true
        approval_expires = "2d"
        notify.to = ["ops"]
        """

    static func with(_ body: (LifecycleHarness) async throws -> Void) async throws {
        try await LifecycleHarness.with(
            kinds: [.awx], tokens: [.awx: [LifecycleHarness.token("1", "ci-old", createdDaysAgo: 400)]], policy: Self.policy, enforce: true
        ) { harness async throws in
            var harness = harness
            harness.configuration.notifiers = [Notifier(id: "ops", channel: .command(argv: ["/bin/true"]))]
            try await body(harness)
        }
    }

    static func answer(_ harness: LifecycleHarness, _ state: Approval.State) throws -> Approval? {
        try harness.store.decideApproval(provider: "sim-awx", tokenID: "1", state, by: "bob", byUID: 0, reason: "CHG-9", at: harness.clock.now)
    }

    @Test func aWriteWaitsIsAskedOnceAndGoesAheadWhenApproved() async throws {
        try await Self.with { harness in
            let asked = try await harness.cycle().events
            #expect(asked.map(\.kind) == [.approvalRequested])
            #expect(asked[0].message.contains("waits for a person's approval to be revoked"), "\(asked[0].message)")
            #expect(asked[0].message.contains("`tokenwarden approve sim-awx/1 --reason TEXT` lets it go ahead"))
            let told = try harness.store.outbox(states: [.pending])
            #expect(told.map(\.notifier) == ["ops"])
            #expect(told.first?.payload.contains("approval-requested") == true)
            #expect(try await harness.cycle().events.isEmpty, "asked once")
            #expect(try harness.store.outbox(states: [.pending]).count == 1, "told once")
            #expect(await harness.simulator.provider(.awx).writes == 0)

            let approved = try #require(try Self.answer(harness, .approved))
            #expect(approved.expiresAt == harness.clock.now + 2 * 86_400)
            #expect(try await harness.cycle().events.map(\.kind) == [.tokenRevoked])
            #expect(await harness.simulator.provider(.awx).writes == 1)
            let history = try harness.store.history(provider: "sim-awx", tokenID: "1").map(\.event)
            #expect(history.contains("approve (admin)"), "\(history)")
        }
    }

    @Test func aDenialHoldsWhileTheFactsStayAndANewFactAsksAgain() async throws {
        try await Self.with { harness in
            _ = try await harness.cycle()
            _ = try Self.answer(harness, .denied)
            let denied = try await harness.cycle().events
            #expect(denied.map(\.kind) == [.heldByAdmin])
            #expect(denied[0].message.hasSuffix("denied by bob: CHG-9"), "\(denied[0].message)")
            // The token is renamed at the provider: a decision about other facts, asked anew.
            await harness.simulator.provider(.awx).replaceTokens([LifecycleHarness.token("1", "ci-old-renamed", createdDaysAgo: 400)])
            #expect(try await harness.cycle().events.map(\.kind) == [.approvalRequested])
            #expect(try harness.store.openApprovals(at: harness.clock.now)["sim-awx/1"]?.state == .pending)
            #expect(await harness.simulator.provider(.awx).writes == 0)
        }
    }

    @Test func nobodyAnsweringLapsesAndIsAskedAgain() async throws {
        try await Self.with { harness in
            _ = try await harness.cycle()
            harness.clock.advance(by: 2 * 86_400 + 1)
            let again = try await harness.cycle().events
            #expect(again.map(\.kind) == [.approvalExpired, .approvalRequested])
            #expect(again[0].message.contains("was asked for and not given"), "\(again[0].message)")
            #expect(try harness.store.outbox(states: [.pending]).count == 2, "told again")
        }
    }

    @Test func reportOnlyAsksNobody() async throws {
        try await Self.with { harness in
            var harness = harness
            harness.configuration.daemon.enforce = false
            let events = try await harness.cycle().events
            #expect(events.map(\.kind) == [.wouldAct])
            #expect(events[0].message.hasPrefix("would ask a person to approve that sim-awx/1 \"ci-old\" be revoked"), "\(events[0].message)")
            #expect(try harness.store.openApprovals(at: harness.clock.now).isEmpty)
            #expect(try harness.store.outbox(states: [.pending]).isEmpty)
        }
    }

    @Test func aDecisionReportedBeforeEnforcementIsAskedForOnceEnforcementIsOn() async throws {
        try await Self.with { harness in
            var reporting = harness
            reporting.configuration.daemon.enforce = false
            #expect(try await reporting.cycle().events.map(\.kind) == [.wouldAct])
            // Enforcement on: the remembered decision is unchanged, yet nobody was asked: asked now.
            let asked = try await harness.cycle().events
            #expect(asked.map(\.kind) == [.approvalRequested], "\(asked.map(\.message))")
            #expect(try harness.store.openApprovals(at: harness.clock.now)["sim-awx/1"]?.state == .pending)
            #expect(try await harness.cycle().events.isEmpty)
        }
    }

    @Test func aDenialOrAPauseGivenWhileTheCycleRanStopsItsWrite() async throws {
        try await Self.with { harness in
            _ = try await harness.cycle()
            _ = try Self.answer(harness, .approved)
            let setup = CycleSetup(
                configuration: harness.configuration, policies: try LifecycleHarness.policies(of: harness.configuration), http: harness.http)
            let decision = try #require(
                try setup.context.decisions(store: harness.store, now: harness.clock.now, timeZone: TimeZone(identifier: "UTC")!).first)
            let actuator = PolicyActuator(store: harness.store, now: { harness.clock.now })
            let rule = setup.context.policies.rules.first
            #expect(try actuator.changedSinceDecided(decision, rule: rule) == nil, "approved, not paused: it goes ahead")
            _ = try Self.answer(harness, .denied)
            #expect(try actuator.changedSinceDecided(decision, rule: rule) == "its approval was denied while the cycle ran")
            try harness.store.pause(Pause(provider: nil, since: harness.clock.now, until: nil, reason: "freeze", by: "alice"))
            #expect(try actuator.changedSinceDecided(decision, rule: rule)?.hasPrefix("writes were paused while the cycle ran") == true)
        }
    }

    @Test func aCyclesRequestsGoToEachNotifierInOneMessage() async throws {
        let tokens = (1...3).map { LifecycleHarness.token(String($0), "ci-\($0)", createdDaysAgo: 400) }
        try await LifecycleHarness.with(kinds: [.awx], tokens: [.awx: tokens], policy: Self.policy, enforce: true) { harness async throws in
            var harness = harness
            harness.configuration.notifiers = [Notifier(id: "ops", channel: .command(argv: ["/bin/true"]))]
            #expect(try await harness.cycle().events.filter { $0.kind == .approvalRequested }.count == 3)
            let told = try harness.store.outbox(states: [.pending])
            #expect(told.count == 1, "one message, not one per token")
            #expect(["sim-awx/1", "sim-awx/2", "sim-awx/3"].allSatisfy { told.first?.payload.contains($0) == true })
        }
    }
}
