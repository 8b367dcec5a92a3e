import Foundation
import Testing
import TokenWardenCore
import TokenWardenJournal
import TokenWardenLifecycle
import TokenWardenSimulator

/// The daemon's own behaviours, in process on a clock the test moves: no test waits on a poll interval.
@Suite(.timeLimit(.minutes(1)))
struct DaemonShellTests {
    /// With a 60 s interval the first polls are spread over 15 s (a quarter of the shortest interval),
    /// so a start never sends every provider's requests at once.
    @Test func theFirstPollsAreSpreadOverAQuarterOfTheShortestInterval() async throws {
        try await DaemonHarness.with(kinds: [.awx, .cryptlex, .synergy], fractions: [0.1, 0.5, 0.9]) { daemon in
            #expect(await daemon.clock.waitForSleepers(3))
            #expect(daemon.clock.pendingDeadlines == [.milliseconds(1_500), .milliseconds(7_500), .milliseconds(13_500)])
            daemon.clock.advance(by: .seconds(2))
            #expect(await daemon.nextReport()?.polls.map(\.provider) == ["sim-awx"])
            #expect(await daemon.clock.waitForSleepers(3), "sim-awx re-armed for its next poll")
            #expect(daemon.clock.pendingDeadlines == [.milliseconds(7_500), .milliseconds(13_500), .milliseconds(62_000)])
        }
    }

    /// A failing provider is polled less often (2×, 4×, then at most 8× its interval), each failure is
    /// journaled with how many polls in a row failed, and its recovery once.
    @Test func aFailingProviderBacksOffAndItsRecoveryIsJournaled() async throws {
        try await DaemonHarness.with(kinds: [.awx]) { daemon in
            await daemon.simulator.provider(.awx).inject(SimulatorFault(provider: .awx, behaviour: .status(503), count: 4))
            var expected: Duration = .seconds(7.5)
            for (failure, factor) in [(1, 2), (2, 4), (3, 8), (4, 8)] {
                #expect(await daemon.clock.waitForSleepers(1))
                #expect(daemon.clock.pendingDeadlines == [expected])
                daemon.clock.advanceToNextDeadline()
                let report = try #require(await daemon.nextReport())
                #expect(report.polls.first?.succeeded == false)
                #expect(daemon.journal(.pollFailed).last?.message.contains("(\(failure) in a row)") == true, "\(daemon.journal.map(\.message))")
                expected += .seconds(60 * factor)
            }
            #expect(await daemon.clock.waitForSleepers(1))
            #expect(daemon.clock.pendingDeadlines == [expected])
            daemon.clock.advanceToNextDeadline()
            #expect(await daemon.nextReport()?.polls.first?.succeeded == true)
            #expect(daemon.journal(.pollRecovered).map(\.message) == ["provider sim-awx recovered after 4 failed polls"])
            #expect(await daemon.clock.waitForSleepers(1))
            #expect(daemon.clock.pendingDeadlines == [expected + .seconds(60)], "back to its interval")
        }
    }

    /// `max_actions_per_cycle` is one budget for every provider's cycles within one poll interval:
    /// a second provider's cycle right after the first's write is held back, and goes ahead once
    /// the interval has passed.
    @Test func providersShareOneWriteBudgetPerInterval() async throws {
        let policy = """
            [[rule]]
            name = "revoke-old"
            match.name = "old-*"
            when.age_over = "100d"
            action = "revoke"
            """
        let tokens: [ProviderKind: [ObservedToken]] = [
            .awx: [DaemonHarness.token("1", "old-awx", createdDaysAgo: 200)],
            .cryptlex: [DaemonHarness.token("c1", "old-cryptlex", createdDaysAgo: 200)],
        ]
        try await DaemonHarness.with(kinds: [.awx, .cryptlex], tokens: tokens, policy: policy, enforce: true, maxActions: 1, fractions: [0.1, 0.9]) {
            daemon in
            #expect(await daemon.clock.waitForSleepers(2))
            daemon.clock.advanceToNextDeadline()
            let first = try #require(await daemon.nextReport())
            #expect(first.events.map(\.kind) == [.tokenRevoked], "\(first.events.map(\.message))")
            #expect(await daemon.clock.waitForSleepers(2))
            daemon.clock.advanceToNextDeadline()
            let second = try #require(await daemon.nextReport())
            #expect(second.polls.map(\.provider) == ["sim-cryptlex"])
            #expect(second.events.map(\.kind) == [.actionDeferred, .limitReached], "\(second.events.map(\.message))")
            #expect(second.events.first?.message.contains("shared by all providers within one poll_interval") == true)
            #expect(await daemon.simulator.provider(.cryptlex).tokens.first?.revoked == false)

            // sim-awx polls again at 61.5 s, nothing left to do; sim-cryptlex at 73.5 s, after the window.
            #expect(await daemon.clock.waitForSleepers(2))
            daemon.clock.advanceToNextDeadline()
            #expect(await daemon.nextReport()?.events.isEmpty == true)
            #expect(await daemon.clock.waitForSleepers(2))
            daemon.clock.advanceToNextDeadline()
            let third = try #require(await daemon.nextReport())
            #expect(third.events.map(\.kind) == [.tokenRevoked], "\(third.events.map(\.message))")
        }
    }

    /// SIGHUP with a broken policy file keeps the running policy (journaled as refused); a good one
    /// takes effect for the next cycle.
    @Test func aReloadWithABrokenPolicyKeepsTheOldOne() async throws {
        let notify = """
            [[rule]]
            name = "warn"
            when.expires_within = "400d"
            action = "notify"
            """
        let tokens: [ProviderKind: [ObservedToken]] = [.awx: [DaemonHarness.token("1", "deploy", createdDaysAgo: 10)]]
        try await DaemonHarness.with(kinds: [.awx], tokens: tokens, policy: notify) { daemon in
            try daemon.writePolicy("[[rule]]\nname = \"broken\"\nwhen.expires_within = \"soon\"\naction = \"notify\"\n")
            await daemon.shell.reload()
            #expect(daemon.journal(.policyRejected).first?.message.hasPrefix("reload refused, the previous configuration stays in effect") == true)
            #expect(await daemon.clock.waitForSleepers(1))
            daemon.clock.advanceToNextDeadline()
            let report = try #require(await daemon.nextReport())
            #expect(report.events.map(\.rule) == ["warn"], "the old policy still decides: \(report.events.map(\.message))")

            try daemon.writePolicy(notify.replacingOccurrences(of: "\"warn\"", with: "\"warn-renamed\""))
            await daemon.shell.reload()
            #expect(daemon.journal(.daemonReloaded).count == 1)
            #expect(await daemon.clock.waitForSleepers(1))
            daemon.clock.advanceToNextDeadline()
            let after = try #require(await daemon.nextReport())
            #expect(after.events.map(\.rule) == ["warn-renamed"], "\(after.events.map(\.message))")
        }
    }

    /// A stop while a cycle runs lets it finish (its poll is recorded, its report journaled) before
    /// the daemon returns; no new cycle starts.
    @Test func aStopDuringACycleLetsItFinish() async throws {
        try await DaemonHarness.with(
            kinds: [.awx, .cryptlex], tokens: [.awx: [DaemonHarness.token("1", "a", createdDaysAgo: 1)]], fractions: [0.1, 0.9]
        ) { daemon in
            await daemon.simulator.provider(.awx).inject(SimulatorFault(provider: .awx, behaviour: .slow(seconds: 1), count: 1))
            #expect(await daemon.clock.waitForSleepers(2))
            daemon.clock.advanceToNextDeadline()
            #expect(await daemon.nextCycleStart() == "sim-awx")
            await daemon.shell.stop(reason: "a test")
            #expect(daemon.journal(.daemonStopping).map(\.message) == ["tokenwarden stopping (a test); 1 cycles still running"])
            let report = try #require(await daemon.nextReport())
            #expect(report.polls.first?.succeeded == true, "\(report.polls.first?.error ?? "")")
            #expect(report.polls.first?.summary.seen == 1)
            await daemon.exited()
            #expect(daemon.journal(.pollSucceeded).count == 1, "sim-cryptlex's cycle never started")
        }
    }
}
