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
