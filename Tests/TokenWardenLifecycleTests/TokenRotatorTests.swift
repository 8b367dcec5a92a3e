import Foundation
import Testing
import TokenWardenCore
import TokenWardenJournal
import TokenWardenSimulator
import TokenWardenStore
import TokenWardenTestSupport

@testable import TokenWardenLifecycle

/// Rotations end to end: create, deliver, overlap, revoke; and what happens when delivery fails.
@Suite struct TokenRotatorTests {
    static func policy(_ deliver: String, overlap: String = "0s", provider: String? = nil) -> String {
        """
        [[rule]]
        name = "rotate-deploy\(provider.map { "-" + $0 } ?? "")"
        match.name = "deploy-bot"
        \(provider.map { "match.provider = \"\($0)\"" } ?? "")
        when.age_over = "60d"
        action = "rotate"
        deliver = \(deliver)
        overlap = "\(overlap)"

        """
    }

    static let kinds: [ProviderKind] = [.sailPoint, .cryptlex, .synergy, .awx, .aap]
    static let oldIDs: [ProviderKind: String] = [
        .sailPoint: "0000000000000000000000000000000a", .cryptlex: "00000000-0000-4000-8000-00000000000a",
        .synergy: "10", .awx: "10", .aap: "10",
    ]

    @Test func rotationDeliversToAFileAndRevokesTheOldTokenOnEveryProviderThatCanCreate() async throws {
        var tokens: [ProviderKind: [ObservedToken]] = [:]
        for kind in Self.kinds {
            tokens[kind] = [
                LifecycleHarness.token(
                    Self.oldIDs[kind]!, "deploy-bot", createdDaysAgo: 100,
                    owner: LifecycleHarness.mainOwner(kind))
            ]
        }
        let directory = try TemporaryDirectory()
        let policy = Self.kinds.map { Self.policy("{ file = \"\(directory.subpath($0.rawValue + ".token"))\" }", provider: "sim-\($0.rawValue)") }
            .joined()
        try await LifecycleHarness.with(kinds: Self.kinds, tokens: tokens, policy: policy, enforce: true) { harness async throws in
            let report = try await harness.cycle()
            #expect(
                report.events.map(\.kind) == Array(repeating: JournalEvent.Kind.tokenRotated, count: Self.kinds.count),
                "\(report.events.map(\.message))")
            for kind in Self.kinds {
                let path = directory.subpath(kind.rawValue + ".token")
                let secret = try String(contentsOfFile: path, encoding: .utf8)
                let owner = await harness.simulator.provider(kind).liveToken(withSecret: secret)
                let successorName = "deploy-bot (rotated \(ProviderTimestamp.formatDay(harness.clock.now)))"
                #expect(owner?.name == successorName, "\(kind): the delivered secret belongs to the live new token")
                #expect(await harness.live(kind).map(\.id) == [owner?.id].compactMap { $0 }, "\(kind): only the new token is live")
                #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
                for bytes in try harness.databaseBytes() { #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(kind): secret in the database") }
                #expect(!report.events.map(\.message).joined().contains(secret))
            }
            let rotation = try #require(try harness.store.rotations(provider: "sim-awx", tokenID: "10").first)
            #expect(rotation.state == .done)
            #expect(rotation.newSecretFingerprint?.hasPrefix("sha256:") == true && rotation.newSecretFingerprint?.count == 23)
            #expect(SecretSpool(stateDirectory: harness.configuration.daemon.stateDirectory).leftovers().isEmpty)
            let steps = try harness.store.history(provider: "sim-awx", tokenID: "10").filter { $0.source == .rotation }.map(\.event)
            #expect(steps == ["planned", "created", "delivered", "old_revoked", "done"])

            // The successor is young: the next cycle discovers it and leaves it alone.
            let next = try await harness.cycle()
            #expect(next.events.isEmpty)
            #expect(next.polls.allSatisfy { $0.summary.discovered == 1 })
        }
    }

    @Test func theOldTokenStaysValidUntilTheOverlapHasPassed() async throws {
        let directory = try TemporaryDirectory()
        let policy = Self.policy("{ file = \"\(directory.subpath("awx.token"))\" }", overlap: "1h")
        try await LifecycleHarness.with(
            kinds: [.awx], tokens: [.awx: [LifecycleHarness.token("10", "deploy-bot", createdDaysAgo: 100)]],
            policy: policy, enforce: true
        ) { harness async throws in
            let first = try await harness.cycle()
            #expect(first.events.map(\.kind) == [.rotationDelivered])
            #expect(await harness.live(.awx).count == 2)

            harness.clock.advance(by: 1_800)
            #expect(try await harness.cycle().events.isEmpty)
            #expect(await harness.live(.awx).count == 2)

            harness.clock.advance(by: 1_801)
            let last = try await harness.cycle()
            #expect(last.events.map(\.kind) == [.tokenRotated])
            let secret = try String(contentsOfFile: directory.subpath("awx.token"), encoding: .utf8)
            let live = await harness.live(.awx)
            #expect(live.count == 1 && live.first?.id != "10")
            #expect(await harness.simulator.provider(.awx).liveToken(withSecret: secret)?.id == live.first?.id)
        }
    }

    @Test func aFailedDeliveryRevokesTheNewTokenLeavesTheOldOneAndQuotesNoSecret() async throws {
        // The program prints what it was given, as a careless script might: the message must not.
        let policy = Self.policy(#"{ command = ["/bin/sh", "-c", "cat >&2; echo; echo refused >&2; exit 3"] }"#)
        try await LifecycleHarness.with(
            kinds: [.awx], tokens: [.awx: [LifecycleHarness.token("10", "deploy-bot", createdDaysAgo: 100)]],
            policy: policy, enforce: true
        ) { harness async throws in
            let events = try await harness.cycle().events
            #expect(events.map(\.kind) == [.rotationFailed])
            let message = events.first?.message ?? ""
            #expect(message.contains("/bin/sh exited with status 3; its output is not kept, since it may hold the secret"), "\(message)")
            #expect(message.components(separatedBy: "status 3").last?.contains("refused") == false, "nothing the program printed is quoted")
            #expect(message.hasSuffix("the old token is untouched"))
            #expect(await harness.live(.awx).map(\.id) == ["10"])
            let issued = await harness.simulator.provider(.awx).issuedSecrets
            #expect(issued.count == 1)
            for secret in issued.values {
                #expect(!message.contains(secret))
                for bytes in try harness.databaseBytes() { #expect(bytes.range(of: Data(secret.utf8)) == nil) }
            }
            let rotation = try #require(try harness.store.rotations(provider: "sim-awx", tokenID: "10").first)
            #expect(rotation.state == .failed)
            #expect(SecretSpool(stateDirectory: harness.configuration.daemon.stateDirectory).leftovers().isEmpty)
        }
    }

    /// A rule's target that cannot take a secret (its directory is gone, its program is not there)
    /// fails the rotation before the create: the provider is asked for nothing.
    @Test(arguments: [
        #"{ file = "/nonexistent-dir/deploy.token" }"#, #"{ command = ["/nonexistent/bin/deliver"] }"#,
    ])
    func anUnusableTargetFailsTheRotationBeforeAnythingIsCreated(deliver: String) async throws {
        try await LifecycleHarness.with(
            kinds: [.awx], tokens: [.awx: [LifecycleHarness.token("10", "deploy-bot", createdDaysAgo: 100)]],
            policy: Self.policy(deliver), enforce: true
        ) { harness async throws in
            let events = try await harness.cycle().events
            #expect(events.map(\.kind) == [.rotationFailed], "\(events.map(\.message))")
            #expect(events.first?.message.contains("cannot deliver") == true, "\(events.map(\.message))")
            #expect(await harness.simulator.provider(.awx).createRequests == 0)
            #expect(await harness.live(.awx).map(\.id) == ["10"])
            let rotation = try #require(try harness.store.rotations(provider: "sim-awx", tokenID: "10").first)
            #expect(rotation.state == .failed && rotation.newTokenID == nil)
        }
    }

    @Test func aCommandGetsTheSecretOnStandardInputAndTheFactsInItsEnvironment() async throws {
        let directory = try TemporaryDirectory()
        let out = directory.subpath("out")
        let policy = Self.policy(
            #"{ command = ["/bin/sh", "-c", "cat > \"$0.secret\"; env | grep ^TOKENWARDEN_ | sort > \"$0.env\"", "\#(out)"], timeout = "5s" }"#)
        try await LifecycleHarness.with(
            kinds: [.awx], tokens: [.awx: [LifecycleHarness.token("10", "deploy-bot", createdDaysAgo: 100)]],
            policy: policy, enforce: true
        ) { harness async throws in
            let events = try await harness.cycle().events
            #expect(events.map(\.kind) == [.tokenRotated], "\(events.map(\.message))")
            let secret = try String(contentsOfFile: out + ".secret", encoding: .utf8)
            let new = try #require(await harness.simulator.provider(.awx).liveToken(withSecret: secret))
            let environment = try String(contentsOfFile: out + ".env", encoding: .utf8).split(separator: "\n").map(String.init)
            let rotation = try #require(try harness.store.rotations(provider: "sim-awx", tokenID: "10").first)
            #expect(
                environment == [
                    "TOKENWARDEN_FINGERPRINT=\(rotation.newSecretFingerprint ?? "")",
                    "TOKENWARDEN_OLD_TOKEN_ID=10",
                    "TOKENWARDEN_PROVIDER=sim-awx",
                    "TOKENWARDEN_RULE=rotate-deploy",
                    "TOKENWARDEN_TOKEN_ID=\(new.id)",
                    "TOKENWARDEN_TOKEN_NAME=deploy-bot",
                ])
        }
    }

    @Test func aCommandThatHangsIsStoppedAtItsTimeout() async throws {
        let policy = Self.policy(#"{ command = ["/bin/sleep", "30"], timeout = "1s" }"#)
        try await LifecycleHarness.with(
            kinds: [.awx], tokens: [.awx: [LifecycleHarness.token("10", "deploy-bot", createdDaysAgo: 100)]],
            policy: policy, enforce: true
        ) { harness async throws in
            // Had the timeout not stopped it, sleep would have exited 0 and the rotation succeeded.
            let events = try await harness.cycle().events
            #expect(events.first?.message.contains("/bin/sleep did not finish within 1s and was stopped") == true, "\(events.map(\.message))")
            #expect(await harness.live(.awx).map(\.id) == ["10"])
        }
    }
}

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
                    "by alice (uid 1000): fixed (after 3 failures in a row, the last: rotation failed: delivering the new secret to command /bin/false failed"
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
