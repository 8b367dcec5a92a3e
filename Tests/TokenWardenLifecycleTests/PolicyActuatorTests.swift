import Foundation
import Testing
import TokenWardenConfig
import TokenWardenCore
import TokenWardenJournal
import TokenWardenSimulator
import TokenWardenStore

@testable import TokenWardenLifecycle

/// Notify, report-only, enforced revokes and the blast-radius limit, end to end against the simulator.
@Suite struct PolicyActuatorTests {
    static let policy = """
        [[rule]]
        name = "revoke-old-ci"
        match.name = "ci-*"
        when.age_over = "365d"
        action = "revoke"

        [[rule]]
        name = "warn-expiry"
        when.expires_within = "30d"
        action = "notify"
        """

    static let awxTokens = [
        LifecycleHarness.token("1", "ci-old", createdDaysAgo: 400),
        LifecycleHarness.token("2", "ci-new", createdDaysAgo: 10),
        LifecycleHarness.token("3", "deploy", createdDaysAgo: 350),  // expires in 15 days
    ]

    @Test func reportOnlyWritesNothingAndReportsEachDecisionOnce() async throws {
        try await LifecycleHarness.with(kinds: [.awx], tokens: [.awx: Self.awxTokens], policy: Self.policy) { harness async throws in
            let first = try await harness.cycle()
            #expect(first.events.map(\.kind) == [.wouldAct, .tokenNotified])
            #expect(first.events[0].message.hasPrefix("would revoke sim-awx/1 \"ci-old\": created 400 days ago"))
            #expect(first.events[0].message.hasSuffix("(report-only: [daemon] enforce = false)"))
            #expect(first.events[1].message.contains("sim-awx/3 \"deploy\": expires in 14 days"))
            #expect(await harness.simulator.provider(.awx).writes == 0)

            let second = try await harness.cycle()
            #expect(second.decided.count == 2)
            #expect(second.events.isEmpty)
            let history = try harness.store.history(provider: "sim-awx", tokenID: "1")
            #expect(history.filter { $0.source == .action }.map(\.event) == ["would revoke (report-only)"])
        }
    }

    @Test func aCycleReportsAtMostItsShareOfNewDecisionsAndTheNextCyclesTheRest() async throws {
        let many = (1...(PolicyActuator.reportsPerCycle + 30)).map { LifecycleHarness.token(String($0), "ci-\($0)", createdDaysAgo: 400) }
        try await LifecycleHarness.with(kinds: [.awx], tokens: [.awx: many], policy: Self.policy) { harness async throws in
            let first = try await harness.cycle()
            #expect(first.events.filter { $0.kind == .wouldAct }.count == PolicyActuator.reportsPerCycle)
            #expect(first.events.last?.kind == .reportsPending)
            #expect(first.events.last?.message.hasPrefix("30 more decisions to report") == true)
            let second = try await harness.cycle()
            #expect(second.events.map(\.kind) == Array(repeating: JournalEvent.Kind.wouldAct, count: 30))
            let reported = Set((first.events + second.events).compactMap { $0.token?.id })
            #expect(reported == Set(many.map(\.id)))
            #expect(try await harness.cycle().events.isEmpty)
        }
    }

    @Test func aNotificationIsRepeatedWhenTheTokensFactsChange() async throws {
        try await LifecycleHarness.with(kinds: [.awx], tokens: [.awx: Self.awxTokens], policy: Self.policy) { harness async throws in
            _ = try await harness.cycle()
            var renewed = Self.awxTokens
            renewed[2].expiresAt = renewed[2].expiresAt!.addingTimeInterval(5 * 86_400)
            await harness.simulator.provider(.awx).replaceTokens(renewed)
            let events = try await harness.cycle().events
            #expect(events.map(\.kind) == [.tokenNotified])
            #expect(events.first?.message.contains("expires in 19 days") == true)
        }
    }

    @Test func enforcementRevokesThroughEveryProviderWithARevokeAPI() async throws {
        let kinds: [ProviderKind] = [.sailPoint, .cryptlex, .synergy, .awx]
        let tokens: [ProviderKind: [ObservedToken]] = [
            .sailPoint: [LifecycleHarness.token("0000000000000000000000000000000a", "ci-old", createdDaysAgo: 400)],
            .cryptlex: [LifecycleHarness.token("00000000-0000-4000-8000-00000000000a", "ci-old", createdDaysAgo: 400)],
            .synergy: [LifecycleHarness.token("10", "ci-old", createdDaysAgo: 400, owner: "1_1")],
            .awx: [LifecycleHarness.token("10", "ci-old", createdDaysAgo: 400)],
        ]
        try await LifecycleHarness.with(kinds: kinds, tokens: tokens, policy: Self.policy, enforce: true) { harness async throws in
            let report = try await harness.cycle()
            #expect(report.events.map(\.kind) == Array(repeating: JournalEvent.Kind.tokenRevoked, count: 4), "\(report.events.map(\.message))")
            for kind in kinds {
                #expect(await harness.live(kind).isEmpty, "\(kind)")
                #expect(await harness.simulator.provider(kind).writes == 1, "\(kind)")
            }
            let history = try harness.store.history(provider: "sim-awx", tokenID: "10")
            #expect(history.filter { $0.source == .action }.map(\.event) == ["revoke (enforce): succeeded"])
            // Revoked tokens are skipped from then on: nothing more to do or say.
            #expect(try await harness.cycle().events.isEmpty)
        }
    }

    @Test func theBlastRadiusLimitActsOnTheFirstInOrderAndHoldsBackTheRestLoudly() async throws {
        let tokens = (1...5).map { LifecycleHarness.token(String($0), "ci-\($0)", createdDaysAgo: 400) }
        try await LifecycleHarness.with(kinds: [.awx], tokens: [.awx: tokens], policy: Self.policy, enforce: true, maxActions: 2) {
            harness async throws in
            let first = try await harness.cycle()
            #expect(first.events.map(\.kind) == [.actionDeferred, .actionDeferred, .actionDeferred, .limitReached, .tokenRevoked, .tokenRevoked])
            #expect(first.events.filter { $0.kind == .tokenRevoked }.compactMap(\.token?.id) == ["1", "2"])
            let limit = try #require(first.events.first { $0.kind == .limitReached })
            #expect(limit.priority == .critical)
            #expect(
                limit.message.hasPrefix(
                    "5 revokes and rotations were due but the blast-radius limit allows 2 this cycle; 3 held back (sim-awx/3, sim-awx/4, sim-awx/5)"))
            #expect(await harness.simulator.provider(.awx).writes == 2)

            // Next cycle: two more; the one still held back is not re-reported, the limit is.
            let second = try await harness.cycle()
            #expect(second.events.map(\.kind) == [.limitReached, .tokenRevoked, .tokenRevoked])
            #expect(await harness.live(.awx).map(\.id) == ["5"])
        }
    }

    @Test func cyclesSharingOneLimitActOnlyOnWhatIsGrantedAndHoldBackTheRest() async throws {
        let tokens = (1...3).map { LifecycleHarness.token(String($0), "ci-\($0)", createdDaysAgo: 400) }
        try await LifecycleHarness.with(kinds: [.awx], tokens: [.awx: tokens], policy: Self.policy, enforce: true) { harness async throws in
            // Another provider's cycle spent all but one of the interval's 10 writes.
            let window = WriteWindow(clock: ContinuousClock())
            let interval = Duration.seconds(harness.configuration.daemon.pollInterval.timeInterval)
            #expect(await window.reserve(9, limit: harness.configuration.daemon.maxActionsPerCycle, window: interval) == 9)
            let report = try await harness.cycle(sharing: window)
            #expect(report.writes == 1)
            #expect(report.events.filter { $0.kind == .tokenRevoked }.compactMap(\.token?.id) == ["1"])
            let deferred = report.events.filter { $0.kind == .actionDeferred }
            #expect(deferred.count == 2)
            #expect(deferred.allSatisfy { $0.message.contains("shared by all providers within one poll_interval") })
            #expect(await harness.simulator.provider(.awx).writes == 1)
        }
    }

    @Test func tokenwardensOwnCredentialIsHeldEvenWhenEnforcing() async throws {
        try await LifecycleHarness.with(kinds: [.sailPoint], tokens: [:], policy: Self.policy, enforce: true) { harness async throws in
            let clientID = String(harness.simulator.provider(.sailPoint).credential.split(separator: ":")[0])
            await harness.simulator.provider(.sailPoint).replaceTokens([LifecycleHarness.token(clientID, "ci-tokenwarden", createdDaysAgo: 500)])
            let events = try await harness.cycle().events
            // Created 500 days ago with a year's lifetime, it has expired: the watch says so too.
            #expect(events.map(\.kind) == [.ownCredentialExpiring, .heldOwnCredential])
            #expect(events.last?.message.contains("tokenwarden's own credential") == true)
            #expect(await harness.simulator.provider(.sailPoint).writes == 0)
        }
    }

    @Test func enforcementIsRefusedWhileTheOwnTokenIsUnknown() async throws {
        try await LifecycleHarness.with(kinds: [.awx], tokens: [.awx: Self.awxTokens], policy: Self.policy, enforce: true) { harness async throws in
            var harness = harness
            harness.configuration.providers[0].selfTokenID = nil
            await #expect(throws: ConfigError.self) { try await harness.cycle() }
            #expect(await harness.simulator.provider(.awx).listRequests == 0)
            #expect(await harness.simulator.provider(.awx).writes == 0)
        }
    }

    @Test func prioritiesAreOrderedBySeverity() {
        typealias Priority = JournalEvent.Priority
        #expect(Priority.critical > .error && Priority.error > .warning && Priority.warning > .notice && Priority.notice > .info)
        #expect(Priority.error.rawValue == 3)
    }

    @Test func anUnusedForRuleRunsOnTheAAPGatewayWhichReportsLastUse() async throws {
        var stale = LifecycleHarness.token("21", "ci-stale", createdDaysAgo: 500)
        stale.lastUsedAt = Date().addingTimeInterval(-400 * 86_400).atMillisecondPrecision
        var used = LifecycleHarness.token("22", "ci-used", createdDaysAgo: 500)
        used.lastUsedAt = Date().addingTimeInterval(-3 * 86_400).atMillisecondPrecision
        let policy = """
            [[rule]]
            name = "revoke-unused"
            when.unused_for = "365d"
            action = "revoke"
            """
        try await LifecycleHarness.with(kinds: [.aap], tokens: [.aap: [stale, used]], policy: policy, enforce: true) { harness async throws in
            let report = try await harness.cycle()
            #expect(report.events.map(\.kind) == [.tokenRevoked], "\(report.events.map(\.message))")
            #expect(report.events.first?.message.contains("sim-aap/21") == true)
            #expect(await harness.live(.aap).map(\.id) == ["22"])
        }
    }
}
