import Foundation
import Synchronization
import Testing
import TokenWardenCore
import TokenWardenJournal
import TokenWardenSimulator
import TokenWardenStore
import TokenWardenTestSupport

@testable import TokenWardenLifecycle

/// `tokenwarden pause` and rule windows, through whole cycles against the simulator on the test clock.
@Suite struct PauseAndWindowTests {
    static func pause(_ harness: LifecycleHarness, provider: String? = nil, until: TimeInterval? = nil) throws -> Pause {
        let pause = Pause(
            provider: provider, since: harness.clock.now, until: until.map { harness.clock.now + $0 }, reason: "CHG-1 freeze", by: "alice")
        try harness.store.pause(pause)
        return pause
    }

    @Test func aPauseHoldsTheRevokeButNotTheNoticeAndResumeLetsItGo() async throws {
        try await LifecycleHarness.with(
            kinds: [.awx], tokens: [.awx: PolicyActuatorTests.awxTokens], policy: PolicyActuatorTests.policy, enforce: true
        ) { harness async throws in
            _ = try Self.pause(harness)
            let paused = try await harness.cycle()
            #expect(paused.events.map(\.kind) == [.heldByAdmin, .tokenNotified])
            #expect(paused.events[0].message.contains("writes are paused since"), "\(paused.events[0].message)")
            #expect(paused.events[0].message.hasSuffix("by alice: CHG-1 freeze"))
            #expect(await harness.simulator.provider(.awx).writes == 0)
            #expect(try await harness.cycle().events.isEmpty, "a held decision is reported once")

            let ended = try harness.store.resume(provider: nil, by: "bob", byUID: 0, reason: "freeze over", at: harness.clock.now)
            #expect(ended.map(\.reason) == ["CHG-1 freeze"])
            #expect(try await harness.cycle().events.map(\.kind) == [.tokenRevoked])
            #expect(await harness.simulator.provider(.awx).writes == 1)
        }
    }

    @Test func aPauseOfAnotherProviderHoldsNothingHere() async throws {
        try await LifecycleHarness.with(
            kinds: [.awx], tokens: [.awx: PolicyActuatorTests.awxTokens], policy: PolicyActuatorTests.policy, enforce: true
        ) { harness async throws in
            _ = try Self.pause(harness, provider: "sim-sailpoint")
            #expect(try await harness.cycle().events.map(\.kind) == [.tokenNotified, .tokenRevoked])
        }
    }

    @Test func aPauseEndsAtItsUntilOnceWithAResumedEntry() async throws {
        try await LifecycleHarness.with(
            kinds: [.awx], tokens: [.awx: PolicyActuatorTests.awxTokens], policy: PolicyActuatorTests.policy, enforce: true
        ) { harness async throws in
            _ = try Self.pause(harness, until: 3_600)
            #expect(try await harness.cycle().events.map(\.kind) == [.heldByAdmin, .tokenNotified])
            harness.clock.advance(by: 3_601)
            let after = try await harness.cycle().events
            #expect(after.map(\.kind) == [.resumed, .tokenRevoked])
            #expect(after[0].message.contains("resumed at") && after[0].message.contains("its time ran out"), "\(after[0].message)")
            #expect(try harness.store.pauses(at: harness.clock.now).isEmpty)
            #expect(try await harness.cycle().events.isEmpty, "the end is said once")
        }
    }

    @Test func aPausedRotationDoesNotRevokeTheOldTokenUntilResumed() async throws {
        let directory = try TemporaryDirectory()
        let policy = TokenRotatorTests.policy("{ file = \"\(directory.subpath("awx.token"))\" }", overlap: "1h")
        try await LifecycleHarness.with(
            kinds: [.awx], tokens: [.awx: [LifecycleHarness.token("10", "deploy-bot", createdDaysAgo: 100)]], policy: policy, enforce: true
        ) { harness async throws in
            #expect(try await harness.cycle().events.map(\.kind) == [.rotationDelivered])
            _ = try Self.pause(harness)
            harness.clock.advance(by: 2 * 3_600)
            _ = try await harness.cycle()
            let waiting = try #require(try harness.store.unfinishedRotations().first)
            #expect(waiting.state == .delivered)
            #expect(waiting.failure?.hasPrefix("waits: paused since") == true, "\(waiting.failure ?? "")")
            #expect(await harness.live(.awx).contains { $0.id == "10" }, "the old token lives on while paused")

            _ = try harness.store.resume(provider: nil, by: "bob", byUID: 0, reason: "done", at: harness.clock.now)
            #expect(try await harness.cycle().events.map(\.kind) == [.tokenRotated])
            #expect(await !harness.live(.awx).contains { $0.id == "10" })
        }
    }

    /// Moves the harness clock forward (less than a day) to the next `hour`:00 UTC.
    static func advance(_ harness: LifecycleHarness, toHour hour: Int) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let next = calendar.nextDate(after: harness.clock.now, matching: DateComponents(hour: hour, minute: 0, second: 0), matchingPolicy: .nextTime)!
        harness.clock.advance(by: next.timeIntervalSince(harness.clock.now))
    }

    @Test func aRuleWithAWindowActsOnlyInsideIt() async throws {
        let policy = PolicyActuatorTests.policy.replacingOccurrences(
            of: "action = \"revoke\"", with: "action = \"revoke\"\nwindow = [\"Mon-Sun 05:00-06:00\"]")
        try await LifecycleHarness.with(
            kinds: [.awx], tokens: [.awx: PolicyActuatorTests.awxTokens], policy: policy, enforce: true
        ) { harness async throws in
            Self.advance(harness, toHour: 3)
            let closed = try await harness.cycle()
            #expect(closed.events.map(\.kind) == [.heldOutsideWindow, .tokenNotified])
            let opens = ProviderTimestamp.format(harness.clock.now + 2 * 3_600)
            #expect(closed.events[0].message.hasSuffix("outside rule revoke-old-ci's window; it opens \(opens)"), "\(closed.events[0].message)")
            #expect(await harness.simulator.provider(.awx).writes == 0)
            let plan = try PolicyContext(configuration: harness.configuration, policies: try LifecycleHarness.policies(of: harness.configuration))
                .outline(store: harness.store, listing: 5, now: harness.clock.now, timeZone: TimeZone(identifier: "UTC")!)
            #expect(plan.agreed, "the counting pass knows the window too")
            #expect(plan.outline.held == 1)

            harness.clock.advance(by: 2.5 * 3_600)
            #expect(try await harness.cycle().events.map(\.kind) == [.tokenRevoked])
            #expect(await harness.simulator.provider(.awx).writes == 1)
        }
    }

    @Test func aNoticeSentInOneWindowIsNotSentAgainAtTheNextOpening() async throws {
        let policy = """
            [[rule]]
            name = "warn"
            when.expires_within = "30d"
            action = "notify"
            window = ["Mon-Sun 05:00-06:00"]
            """
        try await LifecycleHarness.with(
            kinds: [.awx], tokens: [.awx: [LifecycleHarness.token("3", "deploy", createdDaysAgo: 350)]], policy: policy
        ) { harness async throws in
            Self.advance(harness, toHour: 5)
            #expect(try await harness.cycle().events.map(\.kind) == [.tokenNotified])
            harness.clock.advance(by: 3 * 3_600)
            #expect(try await harness.cycle().events.isEmpty, "closed: the notice sent stays remembered")
            Self.advance(harness, toHour: 5)
            #expect(try await harness.cycle().events.isEmpty, "the next opening does not send it again")
        }
    }

    /// A clock whose readings after the first run `hook`: `WriteWindow` reads it once when made and
    /// again when a cycle reserves its writes, after deciding and before writing.
    struct HookedClock: Clock {
        final class Readings: Sendable { let count = Mutex(0) }
        let hook: @Sendable () -> Void
        let readings = Readings()
        var now: ContinuousClock.Instant {
            if readings.count.withLock({ count in
                count += 1
                return count > 1
            }) {
                hook()
            }
            return ContinuousClock.now
        }
        var minimumResolution: Duration { ContinuousClock().minimumResolution }
        func sleep(until deadline: ContinuousClock.Instant, tolerance: Duration?) async throws {
            try await ContinuousClock().sleep(until: deadline, tolerance: tolerance)
        }
    }

    @Test func aPauseGivenAfterTheCycleDecidedStopsItsWriteAllTheSame() async throws {
        try await LifecycleHarness.with(
            kinds: [.awx], tokens: [.awx: PolicyActuatorTests.awxTokens], policy: PolicyActuatorTests.policy, enforce: true
        ) { harness async throws in
            let store = harness.store
            let now = harness.clock.now
            let window = WriteWindow(
                clock: HookedClock(hook: { _ = try? store.pause(Pause(provider: nil, since: now, until: nil, reason: "mid-cycle", by: "alice")) }))
            let events = try await harness.cycle(sharing: window).events
            let held = try #require(events.first { $0.kind == .heldByAdmin })
            #expect(held.message.contains("this cycle: writes were paused while the cycle ran: paused since"), "\(held.message)")
            #expect(!events.contains { $0.kind == .tokenRevoked })
            #expect(await harness.simulator.provider(.awx).writes == 0)
        }
    }
}
