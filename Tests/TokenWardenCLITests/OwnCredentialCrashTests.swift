import Foundation
import Testing
import TokenWardenConfig
import TokenWardenCore
import TokenWardenLifecycle
import TokenWardenSimulator
import TokenWardenStore
import TokenWardenTestSupport

extension SubprocessSuites {
    /// The SIGKILL matrix for `rotate_own_credential`: `tokenwarden sync` replaces its own SailPoint
    /// PAT (whose session ends with it) and is killed at each step, then the next `sync` must finish
    /// it, or undo it and (the interruption being tokenwarden's own) make a new successor at once.
    /// Afterwards tokenwarden still signs in, the stored successor is the one live successor, the
    /// old PAT stays for the hour's overlap, and no secret is in any output, the database or the spool.
    @Suite struct OwnCredentialCrashTests {
        /// The rotations each crash leaves, oldest first. The hour's overlap is not over within these
        /// runs, so a kept successor waits `delivered`, and the revocation's crash point is never reached.
        static let expected: [CrashPoint: [RotationState]] = [
            .beforeCreate: [.failed, .delivered], .afterCreate: [.failed, .delivered], .afterCreated: [.failed, .delivered],
            .afterSpool: [.delivered], .afterDeliver: [.delivered], .afterDelivered: [.delivered],
        ]

        @Test(arguments: CrashPoint.rotation.filter { $0 != .afterRevokeOld })
        func anOwnCredentialRotationKilledAtAnyStepLeavesACredentialThatSignsIn(_ point: CrashPoint) async throws {
            let simulator = try await ProviderSimulator.start(.init(tokensPerProvider: 0))
            let sailPoint = simulator.provider(.sailPoint)
            let oldID = String(sailPoint.credential.split(separator: ":")[0])
            // Made 160 days ago for six months, so it expires in 20 days: due with a 30-day lead.
            let now = Date()
            await sailPoint.setLifetime(
                of: oldID, createdAt: now.addingTimeInterval(-160 * 86_400).atMillisecondPrecision,
                expiresAt: now.addingTimeInterval(20 * 86_400).atMillisecondPrecision)
            let dir = try TemporaryDirectory()
            let config = try SimulatorSetup.write(for: simulator, into: dir.subpath("sim"), enforce: true, kinds: [.sailPoint])
            let text = try String(contentsOfFile: config, encoding: .utf8)
                .replacingOccurrences(of: "kind = \"sailpoint\"\n", with: "kind = \"sailpoint\"\nrotate_own_credential = \"30d\"\n")
            try Data(text.utf8).write(to: URL(fileURLWithPath: config))

            let killed = try await BuiltProduct.run(["sync", "--config", config], environment: ["TOKENWARDEN_TEST_CRASH_AT": point.rawValue])
            let restart = try await BuiltProduct.run(["sync", "--config", config])
            let after = try await BuiltProduct.run(["sync", "--config", config])
            let live = await sailPoint.tokens.filter { !$0.revoked }.map(\.id)
            let issued = await sailPoint.issuedSecrets
            await simulator.stop()

            #expect(killed.signal == SIGKILL, "sync was not killed at \(point.rawValue): \(killed.stdout)\(killed.stderr)")
            let end = try #require(Self.expected[point])
            let undone = end.first == .failed
            #expect(restart.status == (undone ? 1 : 0), "\(restart.stdout)\(restart.stderr)")
            #expect(after.status == 0, "tokenwarden still signs in: \(after.stdout)\(after.stderr)")

            let state = dir.subpath("sim/state")
            let store = try TokenStore.openReadOnly(path: state + "/tokenwarden.sqlite")
            let rotations = try store.rotations(provider: "sim-sailpoint", tokenID: oldID)
            #expect(rotations.map(\.state) == end, "\(rotations.map(\.failure))")
            // A successor made before the crash was recorded, or found by the sweep, and revoked.
            #expect(issued.count == (point == .beforeCreate || !undone ? 1 : 2), "\(issued.keys.sorted())")
            let shelf = OwnCredentialShelf(stateDirectory: state)
            let provider = ProviderConfig(id: "sim-sailpoint", kind: .sailPoint, baseURL: "http://127.0.0.1", credential: .systemd(name: "x"))
            let kept = try #require(try shelf.entry(of: provider, loader: CredentialLoader(environment: [:])))
            #expect(kept.tokenID == rotations.last?.newTokenID)
            #expect(kept.previous == nil, "the configured credential was in use before")
            #expect(kept.credential.revealContent() == "\(kept.tokenID):\(issued[kept.tokenID] ?? "")", "the stored PAT is the one made")
            #expect(Set(live) == [oldID, kept.tokenID], "one successor, and the old PAT for the overlap: \(live)")
            #expect(SecretSpool(stateDirectory: state).leftovers().isEmpty)

            let database = ["", "-wal", "-shm"].compactMap { try? Data(contentsOf: URL(fileURLWithPath: state + "/tokenwarden.sqlite" + $0)) }
            #expect(!database.isEmpty, "the database files were read")
            for secret in issued.values {
                for run in [killed, restart, after] { #expect(!run.stdout.contains(secret) && !run.stderr.contains(secret)) }
                #expect(database.allSatisfy { $0.range(of: Data(secret.utf8)) == nil })
            }
        }
    }
}
