import Foundation
import Testing
import TokenWardenCore
import TokenWardenJournal
import TokenWardenLifecycle
import TokenWardenSimulator
import TokenWardenStore
import TokenWardenTestSupport

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
            #expect(daemon.journal(.reloadRefused).first?.message.hasPrefix("reload refused, the previous configuration stays in effect") == true)
            // What `status` shows the on-call: when the configuration in effect was loaded, and the refusal with file:line.
            let store = try TokenStore.open(path: daemon.directory.subpath("sim/state/tokenwarden.sqlite"))
            let loads = try store.configLoads()
            #expect(loads.loadedAt != nil && loads.refusedAt != nil)
            #expect(loads.refusal?.contains("10-test.toml:3:") == true, "\(loads.refusal ?? "none")")
            #expect(await daemon.clock.waitForSleepers(1))
            daemon.clock.advanceToNextDeadline()
            let report = try #require(await daemon.nextReport())
            #expect(report.events.map(\.rule) == ["warn"], "the old policy still decides: \(report.events.map(\.message))")

            try daemon.writePolicy(notify.replacingOccurrences(of: "\"warn\"", with: "\"warn-renamed\""))
            await daemon.shell.reload()
            #expect(daemon.journal(.daemonReloaded).count == 1)
            #expect(try store.configLoads().refusedAt == nil, "a good reload settles the refusal")
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

    /// A provider's first listing is one count; after it, each token discovered, changed or gone is
    /// journaled by name, from what the poll saw (not read back from the store).
    @Test func eachTokenThatChangedDisappearedOrAppearedIsJournaledAfterTheFirstPoll() async throws {
        let tokens = (1...4).map { DaemonHarness.token("\($0)", "token-\($0)", createdDaysAgo: 10) }
        try await DaemonHarness.with(kinds: [.awx], tokens: [.awx: tokens]) { daemon in
            #expect(await daemon.clock.waitForSleepers(1))
            daemon.clock.advanceToNextDeadline()
            #expect(await daemon.nextReport()?.polls.first?.summary.discovered == 4)
            #expect(daemon.journal(.tokenDiscovered).isEmpty, "the first inventory is one count")

            var changed = tokens.dropLast().map { $0 }
            changed[0].expiresAt = changed[0].expiresAt?.addingTimeInterval(86_400)
            changed.append(DaemonHarness.token("77", "brand-new", createdDaysAgo: 0))
            await daemon.simulator.provider(.awx).replaceTokens(changed)
            #expect(await daemon.clock.waitForSleepers(1))
            daemon.clock.advanceToNextDeadline()
            _ = await daemon.nextReport()
            #expect(daemon.journal(.tokenDisappeared).map(\.message) == ["sim-awx/4 \"token-4\" disappeared: state active → gone"])
            #expect(daemon.journal(.tokenChanged).first?.message.hasPrefix("sim-awx/1 \"token-1\" changed: expires_at ") == true)
            #expect(daemon.journal(.tokenDiscovered).map(\.message) == ["sim-awx/77 \"brand-new\" discovered"])
        }
    }

    /// A rotation's old token is revoked when its overlap ends: the provider is polled again then,
    /// not at its next regular poll.
    @Test func theOldTokenOfARotationIsRevokedWhenTheOverlapEndsNotAtTheNextPoll() async throws {
        let directory = try TemporaryDirectory()
        let policy = """
            [[rule]]
            name = "roll"
            match.name = "deploy-bot"
            when.age_over = "60d"
            action = "rotate"
            deliver.file = "\(directory.subpath("token"))"
            overlap = "1s"
            """
        let tokens: [ProviderKind: [ObservedToken]] = [.awx: [DaemonHarness.token("10", "deploy-bot", createdDaysAgo: 100)]]
        try await DaemonHarness.with(kinds: [.awx], tokens: tokens, policy: policy, enforce: true) { daemon in
            #expect(await daemon.clock.waitForSleepers(1))
            daemon.clock.advanceToNextDeadline()
            let delivered = try #require(await daemon.nextReport())
            #expect(delivered.events.map(\.kind) == [.rotationDelivered], "\(delivered.events.map(\.message))")
            #expect(await daemon.clock.waitForSleepers(1))
            // 7.5 s + 1 s of overlap + a second (to the millisecond the store keeps), not 7.5 s + 60 s.
            let next = try #require(daemon.clock.pendingDeadlines.first)
            #expect((Duration.milliseconds(9_490)...Duration.milliseconds(9_500)).contains(next), "\(next)")
            daemon.clock.advanceToNextDeadline()
            let rotated = try #require(await daemon.nextReport())
            #expect(rotated.events.map(\.kind) == [.tokenRotated], "\(rotated.events.map(\.message))")
            #expect(await daemon.simulator.provider(.awx).tokens.filter { !$0.revoked }.map(\.id).contains("10") == false)
        }
    }

    /// `rotate_own_credential` in the running daemon: the cycle that stores a successor of its own
    /// SailPoint PAT makes the daemon read its credentials again, so the old PAT is deleted signed in
    /// with the successor and every later poll uses it (the simulator ends a deleted PAT's sessions).
    @Test func afterReplacingItsOwnCredentialTheDaemonSignsInWithTheSuccessor() async throws {
        let key: @Sendable (ProviderSimulator, TemporaryDirectory) throws -> String = { _, _ in "rotate_own_credential = \"30d\"\n" }
        try await DaemonHarness.with(kinds: [.sailPoint], enforce: true, config: key) { daemon in
            let sailPoint = daemon.simulator.provider(.sailPoint)
            let oldID = String(sailPoint.credential.split(separator: ":")[0])
            await sailPoint.setLifetime(
                of: oldID, createdAt: daemon.clock.date.addingTimeInterval(-160 * 86_400).atMillisecondPrecision,
                expiresAt: daemon.clock.date.addingTimeInterval(20 * 86_400).atMillisecondPrecision)
            #expect(await daemon.clock.waitForSleepers(1))
            daemon.clock.advanceToNextDeadline()
            let delivered = try #require(await daemon.nextReport())
            #expect(delivered.events.map(\.kind).contains(.rotationDelivered), "\(delivered.events.map(\.message))")
            // Past the hour's overlap: the old PAT is deleted, and the polls after go on.
            for _ in 0..<62 {
                #expect(await daemon.clock.waitForSleepers(1))
                daemon.clock.advanceToNextDeadline()
                let report = try #require(await daemon.nextReport())
                #expect(report.polls.count == 1 && report.polls.allSatisfy { $0.succeeded }, "\(report.events.map(\.message))")
                if report.events.contains(where: { $0.kind == .tokenRotated }) { break }
            }
            #expect(await sailPoint.tokens.contains { $0.id == oldID } == false, "the old PAT is deleted")
            #expect(await daemon.clock.waitForSleepers(1))
            daemon.clock.advanceToNextDeadline()
            let after = try #require(await daemon.nextReport())
            #expect(after.polls.count == 1 && after.polls.allSatisfy { $0.succeeded }, "\(after.events.map(\.message))")
        }
    }
}
