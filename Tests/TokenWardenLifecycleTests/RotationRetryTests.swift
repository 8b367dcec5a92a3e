import Foundation
import Testing
import TokenWardenCore
import TokenWardenJournal
import TokenWardenSimulator
import TokenWardenStore
import TokenWardenTestSupport

@testable import TokenWardenLifecycle

@Suite struct RotationRetryTests {
    @Test func afterAFailedRotationPolicyWaitsBeforeTryingAgain() async throws {
        let policy = TokenRotatorTests.policy(#"{ command = ["/bin/false"] }"#)
        try await LifecycleHarness.with(
            kinds: [.awx], tokens: [.awx: [LifecycleHarness.token("10", "deploy-bot", createdDaysAgo: 100)]],
            policy: policy, enforce: true
        ) { harness async throws in
            #expect(try await harness.cycle().events.map(\.kind) == [.rotationFailed])
            let waiting = try await harness.cycle().events
            #expect(waiting.map(\.kind) == [.actionDeferred])
            #expect(waiting.first?.message.contains("its last rotation failed") == true)
            #expect(try await harness.cycle().events.isEmpty, "said once, not every cycle")
            #expect(await harness.simulator.provider(.awx).issuedSecrets.count == 1, "no new token while waiting")

            harness.clock.advance(by: PolicyActuator.rotationRetryDelay + 1)
            #expect(try await harness.cycle().events.map(\.kind) == [.rotationFailed])
            #expect(await harness.simulator.provider(.awx).issuedSecrets.count == 2)
        }
    }

    @Test func aRotationTokenwardenItselfInterruptedIsTriedAgainAtOnceNotAfterTheBackOff() async throws {
        let directory = try TemporaryDirectory()
        let policy = TokenRotatorTests.policy("{ file = \"\(directory.subpath("awx.token"))\" }")
        try await LifecycleHarness.with(
            kinds: [.awx], tokens: [.awx: [LifecycleHarness.token("10", "deploy-bot", createdDaysAgo: 100)]],
            policy: policy, enforce: true
        ) { harness async throws in
            var harness = harness
            harness.configuration.daemon.enforce = false
            _ = try await harness.cycle()
            harness.configuration.daemon.enforce = true
            let store = harness.store
            // As a kill leaves it: recorded as planned, the create already sent, the process gone.
            let token = try #require(try store.token(provider: "sim-awx", id: "10"))
            let record = try store.beginRotation(
                of: token, rule: "rotate-deploy", mode: .enforce, delivery: .file(path: directory.subpath("awx.token")), overlap: .hours(0),
                reason: "planted", successorName: "deploy-bot (rotated)", at: harness.clock.now)
            try store.markCreateSent(record.id, at: harness.clock.now)
            harness.clock.advance(by: 3_600)
            let events = try await harness.cycle().events
            #expect(events.map(\.kind) == [.rotationFailed, .tokenRotated], "\(events.map(\.message))")
            #expect(try store.rotations(provider: "sim-awx", tokenID: "10").map(\.interrupted) == [true, false])
            #expect(try store.gaveUpWrites().isEmpty && store.recentlyFailedRotations(since: .distantPast).isEmpty)
        }
    }

    @Test func aRotationThatFailsGiveUpAfterTimesInARowStopsAlertsOnceAndRetryRearmsIt() async throws {
        let policy = TokenRotatorTests.policy(#"{ command = ["/bin/false"] }"#)
        try await LifecycleHarness.with(
            kinds: [.awx], tokens: [.awx: [LifecycleHarness.token("10", "deploy-bot", createdDaysAgo: 100)]],
            policy: policy, enforce: true
        ) { harness async throws in
            var harness = harness
            harness.configuration.daemon.giveUpAfter = 3
            for attempt in 1...3 {
                let kinds = try await harness.cycle().events.map(\.kind)
                #expect(kinds == (attempt < 3 ? [.rotationFailed] : [.rotationFailed, .writesGaveUp]), "attempt \(attempt)")
                harness.clock.advance(by: PolicyActuator.rotationRetryDelay + 1)
            }
            let held = try await harness.cycle().events
            #expect(held.map(\.kind) == [.actionDeferred])
            #expect(held.first?.message.contains("tokenwarden gave up: 3 attempts in a row failed") == true, "\(held.map(\.message))")
            harness.clock.advance(by: PolicyActuator.rotationRetryDelay + 1)
            #expect(try await harness.cycle().events.isEmpty, "one alert, no retries")
            #expect(await harness.simulator.provider(.awx).issuedSecrets.count == 3)

            let store = harness.store
            #expect(try store.gaveUpWrites()["sim-awx/10"]?.failures == 3)
            let rearmed = try store.rearmWrites(provider: "sim-awx", tokenID: "10", by: "alice (uid 1000)", reason: "fixed", at: harness.clock.now)
            #expect(rearmed?.failures == 3)
            #expect(try store.rearmWrites(provider: "sim-awx", tokenID: "10", by: "alice", reason: "again", at: harness.clock.now) == nil)
            #expect(try await harness.cycle().events.map(\.kind) == [.rotationFailed])
            #expect(await harness.simulator.provider(.awx).issuedSecrets.count == 4)
            let audit = try store.history(provider: "sim-awx", tokenID: "10").filter { $0.event == "retry (admin)" }
            #expect(audit.count == 1)
            #expect(
                audit.first?.detail.hasPrefix(
                    "by alice (uid 1000): fixed (after 3 failures in a row, the last: rotation failed: "
                        + "delivering the new secret to command /bin/false failed"
                ) == true, "\(audit)")
        }
    }
}

/// A successor's lifetime within what the provider allows, any shortening said in the history.
@Suite struct SuccessorLifetimeTests {
    @Test func aLifetimeTheProviderCannotGiveIsShortenedAndTheHistorySaysSo() async throws {
        // The old 12d Synergy token lived a year; generate-pat takes 1 to 180 days.
        let directory = try TemporaryDirectory()
        let policy = TokenRotatorTests.policy("{ file = \"\(directory.subpath("synergy.token"))\" }")
        let old = LifecycleHarness.token("10", "deploy-bot", createdDaysAgo: 100, owner: LifecycleHarness.mainOwner(.synergy))
        try await LifecycleHarness.with(kinds: [.synergy], tokens: [.synergy: [old]], policy: policy, enforce: true) { harness async throws in
            let report = try await harness.cycle()
            #expect(report.events.map(\.kind) == [.tokenRotated], "\(report.events.map(\.message))")
            let created = try harness.store.history(provider: "sim-synergy", tokenID: "10").first { $0.source == .rotation && $0.event == "created" }
            #expect(
                created?.detail.contains("12d Synergy allows 1 to 180 days (ExpireInDays): the new token expires in 180 days") == true,
                "\(String(describing: created))")
            let successor = try #require(await harness.live(.synergy).first)
            let days = (successor.expiresAt ?? .distantPast).timeIntervalSinceNow / 86_400
            #expect((179...181).contains(days))
        }
    }
}

/// The store is tokenwarden's own user's to write: a rotation found in it does not decide where a
/// secret goes, nor whether to act while enforcement is off.
@Suite struct PlantedRotationTests {
    static let tokens = [
        LifecycleHarness.token("10", "deploy-bot", createdDaysAgo: 100), LifecycleHarness.token("11", "deploy-bot", createdDaysAgo: 0),
    ]

    /// A rotation of token 10 to token 11 as if written into the store by someone else, at `state`.
    static func plant(_ harness: LifecycleHarness, delivery: Delivery, state: RotationState, mode: ActionMode = .enforce) throws -> Int64 {
        let store = harness.store
        let token = try #require(try store.token(provider: "sim-awx", id: "10"))
        let record = try store.beginRotation(
            of: token, rule: "rotate-deploy", mode: mode, delivery: delivery, overlap: .hours(0),
            reason: "planted", successorName: "deploy-bot (rotated)", at: harness.clock.now)
        // With its secret in the spool, so that only the check stops the delivery.
        let secret = Secret("planted-secret")
        try store.advanceRotation(
            record.id, to: .created, at: harness.clock.now, detail: "planted", newTokenID: "11",
            fingerprint: SecretFingerprint.of(secret))
        try SecretSpool(stateDirectory: harness.configuration.daemon.stateDirectory).write(secret, rotation: record.id)
        if state == .delivered {
            try store.advanceRotation(record.id, to: .delivered, at: harness.clock.now, detail: "planted", revokeOldAfter: harness.clock.now)
        }
        return record.id
    }

    @Test func aPendingDeliveryThatIsNotTheRulesIsUndoneNotRun() async throws {
        let directory = try TemporaryDirectory()
        let marker = directory.subpath("ran")
        let policy = TokenRotatorTests.policy("{ file = \"\(directory.subpath("deploy.token"))\" }")
        try await LifecycleHarness.with(kinds: [.awx], tokens: [.awx: Self.tokens], policy: policy, enforce: true) { harness async throws in
            _ = try await harness.cycle()
            _ = try Self.plant(harness, delivery: .command(argv: ["/bin/sh", "-c", "touch \(marker)"]), state: .created)
            let report = try await harness.cycle()
            #expect(!FileManager.default.fileExists(atPath: marker), "the planted command never runs")
            let message = report.events.first { $0.kind == .rotationFailed }?.message ?? ""
            #expect(message.contains("is not what rule rotate-deploy says now"), "\(report.events.map(\.message))")
            #expect(await harness.live(.awx).map(\.id) == ["10"], "the planted successor is revoked, the old token untouched")
        }
    }

    @Test func aRotationBegunByPolicyWaitsWhileEnforcementIsOff() async throws {
        let directory = try TemporaryDirectory()
        let policy = TokenRotatorTests.policy("{ file = \"\(directory.subpath("deploy.token"))\" }")
        try await LifecycleHarness.with(kinds: [.awx], tokens: [.awx: Self.tokens], policy: policy, enforce: false) { harness async throws in
            _ = try await harness.cycle()
            let id = try Self.plant(harness, delivery: .file(path: directory.subpath("deploy.token")), state: .delivered)
            _ = try await harness.cycle()
            #expect(await harness.simulator.provider(.awx).writes == 0, "report-only: nothing revoked")
            let record = try #require(try harness.store.rotation(id: id))
            #expect(record.state == .delivered && record.failure?.contains("enforcement is off") == true, "\(record)")
        }
    }
}
