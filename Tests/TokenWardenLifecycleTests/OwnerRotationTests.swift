import Foundation
import Testing
import TokenWardenCore
import TokenWardenSimulator
import TokenWardenStore
import TokenWardenTestSupport

@testable import TokenWardenLifecycle

/// A successor belongs to whoever signs in (provider reference §0.1), against simulated APIs that
/// behave so: another owner's token is rotated only with that owner's credential, and a successor of
/// anyone else's is revoked at once, never delivered.
@Suite struct OwnerRotationTests {
    static func policy(_ file: String, provider: String) -> String {
        """
        [[rule]]
        name = "rotate-deploy"
        match.name = "deploy-bot"
        match.provider = "\(provider)"
        when.age_over = "60d"
        action = "rotate"
        deliver = { file = "\(file)" }
        overlap = "0s"

        """
    }

    static let oldIDs: [ProviderKind: String] = [
        .sailPoint: "0000000000000000000000000000000a", .cryptlex: "00000000-0000-4000-8000-00000000000a",
        .awx: "10", .aap: "10",
    ]

    /// The owner as each simulated API names a user's tokens (Cryptlex lists user ids).
    static func owner(_ name: String, _ kind: ProviderKind) -> String { kind == .cryptlex ? "u-\(name)" : name }

    /// An enforcing harness whose provider of `kind` has one old "deploy-bot" token of `owner`, with
    /// a rotate rule delivering to `file`.
    static func withDeployBot(
        of owner: String, at kind: ProviderKind,
        _ body: (_ harness: LifecycleHarness, _ file: String) async throws -> Void
    ) async throws {
        let directory = try TemporaryDirectory()
        let file = directory.subpath("deploy.token")
        let tokens = [LifecycleHarness.token(Self.oldIDs[kind]!, "deploy-bot", createdDaysAgo: 100, owner: owner)]
        try await LifecycleHarness.with(
            kinds: [kind], tokens: [kind: tokens], policy: Self.policy(file, provider: "sim-\(kind.rawValue)"),
            enforce: true
        ) { harness async throws in try await body(harness, file) }
    }

    @Test(arguments: [ProviderKind.awx, .aap, .sailPoint, .cryptlex])
    func anotherUsersTokenNeedsAPersonWhenOnlyTheAdminCredentialIsThere(kind: ProviderKind) async throws {
        let alice = Self.owner("alice", kind)
        try await Self.withDeployBot(of: alice, at: kind) { harness, file in
            let report = try await harness.cycle()
            #expect(report.events.map(\.kind) == [.needsPerson], "\(report.events.map(\.message))")
            let message = try #require(report.events.first?.message)
            #expect(message.contains("belongs to \(alice)") && message.contains("[[provider.owner]] name = \"\(alice)\""), "\(message)")
            #expect(try harness.decisions().first?.hold == .ownerCredentialMissing)
            #expect(report.decided.held["sim-\(kind.rawValue)"]?[Decision.Hold.ownerCredentialMissing.rawValue] == 1)
            #expect(await harness.simulator.provider(kind).writes == 0, "nothing was created or revoked")
            #expect(!FileManager.default.fileExists(atPath: file))
        }
    }

    @Test(arguments: [ProviderKind.awx, .aap, .sailPoint, .cryptlex])
    func withTheOwnersCredentialTheSuccessorIsTheOwnersAndTheAdminsTokensStayTheAdmins(kind: ProviderKind) async throws {
        let alice = Self.owner("alice", kind)
        try await Self.withDeployBot(of: alice, at: kind) { harness, file in
            var harness = harness
            try await harness.addOwnerCredential(kind, owner: alice)
            let report = try await harness.cycle()
            #expect(report.events.map(\.kind) == [.tokenRotated], "\(report.events.map(\.message))")
            let secret = try String(contentsOfFile: file, encoding: .utf8)
            let successor = try #require(await harness.simulator.provider(kind).liveToken(withSecret: secret))
            let expected = SimulatedAccount.identity(of: alice, kind: kind)
            #expect(
                successor.owner == expected.name && (successor.ownerID ?? successor.owner) == expected.id,
                "the delivered token is alice's, not the admin's: \(successor)")
            #expect(successor.scopes == ["write"], "exactly the old token's scopes")
            #expect(await harness.live(kind).map(\.id) == [successor.id])
        }
    }

    @Test func anOwnerCredentialThatSignsInAsSomeoneElseIsRefusedBeforeAnythingIsCreated() async throws {
        // AWX says who a credential is (/api/v2/me/): the mismatch is caught before the create.
        try await Self.withDeployBot(of: "alice", at: .awx) { harness, file in
            var harness = harness
            try await harness.addOwnerCredential(.awx, owner: "alice", signsInAs: "bob")
            let report = try await harness.cycle()
            #expect(report.events.map(\.kind) == [.rotationFailed])
            #expect(report.events.first?.message.contains("signs in as bob") == true, "\(report.events.map(\.message))")
            #expect(await harness.simulator.provider(.awx).writes == 0)
            #expect(await harness.live(.awx).map(\.id) == ["10"], "the old token is untouched")
            #expect(!FileManager.default.fileExists(atPath: file))
        }
    }

    @Test(arguments: [ProviderKind.sailPoint, .cryptlex])
    func aSuccessorThatTurnsOutToBeSomeoneElsesIsRevokedAtOnceAndNeverDelivered(kind: ProviderKind) async throws {
        // SailPoint and Cryptlex have no "who am I": the create's answer is what tells.
        let alice = Self.owner("alice", kind)
        try await Self.withDeployBot(of: alice, at: kind) { harness, file in
            var harness = harness
            try await harness.addOwnerCredential(kind, owner: alice, signsInAs: Self.owner("bob", kind))
            let report = try await harness.cycle()
            #expect(report.events.map(\.kind) == [.rotationFailed], "\(report.events.map(\.message))")
            #expect(
                report.events.first?.message.contains("not for \(SimulatedAccount.identity(of: alice, kind: kind).id)") == true,
                "\(report.events.map(\.message))")
            #expect(await harness.live(kind).map(\.id) == [Self.oldIDs[kind]!], "the successor is revoked, the old token untouched")
            #expect(!FileManager.default.fileExists(atPath: file), "nothing delivered")
        }
    }

    @Test func planAndTheEngineAgreeThatOnlyCoveredOwnersAreRotated() async throws {
        let tokens = [
            LifecycleHarness.token("10", "deploy-bot", createdDaysAgo: 100, owner: "admin"),
            LifecycleHarness.token("11", "deploy-bot", createdDaysAgo: 100, owner: "alice"),
            LifecycleHarness.token("12", "deploy-bot", createdDaysAgo: 100, owner: "carol"),
        ]
        try await LifecycleHarness.with(
            kinds: [.awx], tokens: [.awx: tokens],
            policy: Self.policy("/nonexistent/x", provider: "sim-awx")
                .replacingOccurrences(
                    of: "deliver = { file = \"/nonexistent/x\" }",
                    with: "deliver.command = [\"/bin/true\", \"{token_id}\"]")
        ) { harness async throws in
            var harness = harness
            try await harness.addOwnerCredential(.awx, owner: "alice")
            let report = try await harness.cycle()
            let held = Dictionary(uniqueKeysWithValues: try harness.decisions().map { ($0.token.id, $0.hold) })
            #expect(report.decided.count == 3)
            #expect(held == ["10": nil, "11": nil, "12": .ownerCredentialMissing])
            let context = PolicyContext(configuration: harness.configuration, policies: try LifecycleHarness.policies(of: harness.configuration))
            let (outline, agreed) = try context.outline(store: harness.store, listing: 10, now: harness.clock.now)
            #expect(agreed)
            #expect(outline.writes == 2, "the carol token is no write: it needs a person")
        }
    }
}

/// One destination, one token: a rotate rule whose file (or command without `{token_id}`) serves
/// several live tokens rotates none of them and says which collided.
@Suite struct SharedDestinationTests {
    static let tokens = [
        LifecycleHarness.token("10", "deploy-bot", createdDaysAgo: 100, owner: "admin"),
        LifecycleHarness.token("11", "deploy-bot", createdDaysAgo: 100, owner: "admin"),
    ]

    @Test func aFileServingTwoLiveTokensRotatesNeitherAndNamesBoth() async throws {
        let directory = try TemporaryDirectory()
        let file = directory.subpath("deploy.token")
        try await LifecycleHarness.with(
            kinds: [.awx], tokens: [.awx: Self.tokens], policy: OwnerRotationTests.policy(file, provider: "sim-awx"),
            enforce: true
        ) { harness async throws in
            let report = try await harness.cycle()
            #expect(try harness.decisions().map(\.hold) == [.sharedDestination, .sharedDestination])
            #expect(report.decided.held["sim-awx"] == [Decision.Hold.sharedDestination.rawValue: 2])
            #expect(report.events.map(\.kind) == [.needsPerson, .needsPerson])
            #expect(report.events.allSatisfy { $0.priority == .error })
            #expect(report.events.first?.message.contains("which also serves sim-awx/11") == true, "\(report.events.map(\.message))")
            #expect(await harness.simulator.provider(.awx).writes == 0)
            #expect(!FileManager.default.fileExists(atPath: file))
        }
    }

    @Test func aCommandNamingItsTokenGivesEachTokenItsOwnDestination() async throws {
        let directory = try TemporaryDirectory()
        let script = try directory.write("deliver.sh", "#!/bin/sh\ncat > \"\(directory.path)/$1.token\"\n", mode: 0o755)
        let policy = """
            [[rule]]
            name = "rotate-deploy"
            match.name = "deploy-bot"
            when.age_over = "60d"
            action = "rotate"
            deliver.command = ["\(script)", "{token_id}"]
            overlap = "0s"
            """
        try await LifecycleHarness.with(kinds: [.awx], tokens: [.awx: Self.tokens], policy: policy, enforce: true) { harness async throws in
            let report = try await harness.cycle()
            #expect(report.events.map(\.kind) == [.tokenRotated, .tokenRotated], "\(report.events.map(\.message))")
            for old in ["10", "11"] {
                let secret = try String(contentsOfFile: directory.subpath("\(old).token"), encoding: .utf8)
                let name = await harness.simulator.provider(.awx).liveToken(withSecret: secret)?.name
                #expect(name.map(SuccessorName.base(of:)) == "deploy-bot" && name != "deploy-bot", "\(name ?? "none")")
            }
        }
    }
}
