import Foundation
import Testing
import TokenWardenCore
import TokenWardenLifecycle
import TokenWardenSimulator
import TokenWardenStore
import TokenWardenTestSupport

/// The SIGKILL matrix: `tokenwarden rotate` is killed at every step of a rotation, then `tokenwarden
/// sync` starts and must resume or undo it. After that: no orphaned token at the provider, the
/// delivered secret (if any) belongs to a live token, one live token (the overlap is 0s), nothing
/// left in the spool, and no secret in any output or in the database.
extension SubprocessSuites {
    /// One at a time (see `SubprocessSuites`).
    @Suite struct RotationCrashTests {
        /// Where each crash must end: replaced (`done`) or untouched (`failed`, the new token revoked).
        static let expected: [CrashPoint: RotationState] = [
            .beforeCreate: .failed, .afterCreate: .failed, .afterCreated: .failed,
            .afterSpool: .done, .afterDeliver: .done, .afterDelivered: .done, .afterRevokeOld: .done,
        ]

        @Test(arguments: CrashPoint.rotation)
        func aRotationKilledAtAnyStepIsResumedOrUndoneOnTheNextStart(_ point: CrashPoint) async throws {
            let scenario = try await DeployBotScenario.start()
            let (simulator, awx, dir, config, delivered) = (scenario.simulator, scenario.awx, scenario.dir, scenario.config, scenario.delivered)

            let first = try await BuiltProduct.run(["sync", "--config", config])
            let killed = try await BuiltProduct.run(
                ["rotate", "sim-awx/10", "--yes", "--config", config],
                environment: ["TOKENWARDEN_TEST_CRASH_AT": point.rawValue])
            let restart = try await BuiltProduct.run(["sync", "--config", config])
            // The successor is named after its lineage: "deploy-bot (rotated …)".
            let live = await awx.tokens.filter { !$0.revoked && SuccessorName.base(of: $0.name) == "deploy-bot" }
            let issued = await awx.issuedSecrets
            await simulator.stop()

            #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
            #expect(killed.signal == SIGKILL, "rotate was not killed at \(point.rawValue): \(killed.stdout)\(killed.stderr)")
            let end = try #require(Self.expected[point])
            #expect(restart.status == (end == .done ? 0 : 1), "\(restart.stdout)\(restart.stderr)")

            let store = try TokenStore.openReadOnly(path: dir.subpath("sim/state/tokenwarden.sqlite"))
            let rotations = try store.rotations(provider: "sim-awx", tokenID: "10")
            #expect(rotations.map(\.state) == [end])
            #expect(live.count == 1, "exactly one live token named deploy-bot, found \(live.map(\.id))")
            if end == .done {
                let secret = try String(contentsOfFile: delivered, encoding: .utf8)
                #expect(live.first?.id == rotations.first?.newTokenID)
                #expect(live.first.map { issued[$0.id] == secret } == true, "the delivered secret belongs to the live token")
            } else {
                #expect(live.first?.id == "10", "the old token is untouched")
                #expect(!FileManager.default.fileExists(atPath: delivered))
            }
            #expect(SecretSpool(stateDirectory: dir.subpath("sim/state")).leftovers().isEmpty)

            let database = ["", "-wal", "-shm"].compactMap {
                try? Data(contentsOf: URL(fileURLWithPath: dir.subpath("sim/state/tokenwarden.sqlite") + $0))
            }
            #expect(!database.isEmpty, "the database files were read")
            for secret in issued.values {
                for run in [first, killed, restart] { #expect(!run.stdout.contains(secret) && !run.stderr.contains(secret)) }
                #expect(database.allSatisfy { $0.range(of: Data(secret.utf8)) == nil })
            }
        }
    }
}

/// AWX with one token to rotate, "deploy-bot" of admin (whose credential tokenwarden has), 100 days
/// old, and a rotate rule delivering it to a file: what the SIGKILL suites rotate.
struct DeployBotScenario {
    let simulator: ProviderSimulator
    let awx: SimulatedProvider
    let dir: TemporaryDirectory
    let config: String
    let delivered: String

    /// `daemon` is added to the config's `[daemon]` table.
    static func start(faults: [SimulatorFault] = [], daemon: String = "") async throws -> DeployBotScenario {
        let simulator = try await ProviderSimulator.start(.init(tokensPerProvider: 0, faults: faults))
        let awx = simulator.provider(.awx)
        let created = Date().addingTimeInterval(-100 * 86_400).atMillisecondPrecision
        await awx.replaceTokens([
            ObservedToken(
                id: "10", name: "deploy-bot", owner: "admin", scopes: ["write"], createdAt: created,
                expiresAt: created.addingTimeInterval(365 * 86_400))
        ])
        let dir = try TemporaryDirectory()
        let config = try SimulatorSetup.write(for: simulator, into: dir.subpath("sim"))
        if !daemon.isEmpty {
            let text = try String(contentsOfFile: config, encoding: .utf8).replacingOccurrences(of: "[daemon]\n", with: "[daemon]\n\(daemon)\n")
            try text.write(toFile: config, atomically: true, encoding: .utf8)
        }
        let delivered = dir.subpath("deploy.token")
        try dir.write(
            "sim/policies.d/10-rotate.toml",
            """
            [[rule]]
            name = "rotate-deploy"
            match.name = "deploy-bot"
            match.owner = "admin"
            when.age_over = "60d"
            action = "rotate"
            deliver.file = "\(delivered)"
            overlap = "0s"
            """)
        return DeployBotScenario(simulator: simulator, awx: awx, dir: dir, config: config, delivered: delivered)
    }
}
