import Foundation
import Testing
import TokenWardenCore
import TokenWardenSimulator
import TokenWardenTestSupport

/// `tokenwarden revoke` through the real binary, against the simulated providers.
@Suite struct RevokeCommandTests {
    /// A synced simulator setup; `selfTokenID` makes that AWX token tokenwarden's own. Tests end with
    /// `_ = dir` so the directory (deleted when released) lives until they are done with it.
    func synced(faults: [SimulatorFault] = [], selfTokenID: String? = nil) async throws -> (ProviderSimulator, TemporaryDirectory, String) {
        let simulator = try await ProviderSimulator.start(.init(tokensPerProvider: 5, faults: faults))
        let dir = try TemporaryDirectory()
        let config = try SimulatorSetup.write(for: simulator, into: dir.subpath("sim"))
        if let selfTokenID {
            let text = try String(contentsOfFile: config, encoding: .utf8)
                .replacingOccurrences(of: "id = \"sim-awx\"\n", with: "id = \"sim-awx\"\nself_token_id = \"\(selfTokenID)\"\n")
            try text.write(toFile: config, atomically: true, encoding: .utf8)
        }
        let sync = try await BuiltProduct.run(["sync", "--config", config])
        #expect(sync.status == 0, "\(sync.stdout)")
        return (simulator, dir, config)
    }

    @Test func revokesAtTheProviderAndKeepsTheAuditTrail() async throws {
        let (simulator, dir, config) = try await synced()
        let result = try await BuiltProduct.run(["revoke", "sim-awx/3", "--yes", "--config", config])
        let history = try await BuiltProduct.run(["history", "sim-awx/3", "--config", config])
        let remaining = await simulator.provider(.awx).tokens.map(\.id)
        await simulator.stop()
        _ = dir
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("revoked sim-awx/3"))
        #expect(!remaining.contains("3"))
        #expect(history.stdout.contains("revoke (manual): succeeded"))
        #expect(history.stdout.contains("state active → revoked (revoked by tokenwarden, manual)"))
    }

    @Test func withoutATerminalItAsksForYesAndChangesNothing() async throws {
        let (simulator, dir, config) = try await synced()
        let result = try await BuiltProduct.run(["revoke", "sim-awx/3", "--config", config])
        let history = try await BuiltProduct.run(["history", "sim-awx/3", "--config", config])
        let remaining = await simulator.provider(.awx).tokens.map(\.id)
        await simulator.stop()
        _ = dir
        #expect(result.status == 1)
        #expect(result.stderr.contains("add --yes to revoke"))
        #expect(remaining.contains("3"))
        #expect(!history.stdout.contains("revoke"))
    }

    @Test func refusesToRevokeTokenwardensOwnCredential() async throws {
        let (simulator, dir, config) = try await synced(selfTokenID: "2")
        let result = try await BuiltProduct.run(["revoke", "sim-awx/2", "--yes", "--config", config])
        let remaining = await simulator.provider(.awx).tokens.map(\.id)
        await simulator.stop()
        _ = dir
        #expect(result.status == 1)
        #expect(result.stderr.contains("is the credential tokenwarden itself uses for sim-awx; tokenwarden will not revoke it"))
        #expect(remaining.contains("2"))
    }

    @Test func aTokenTheProviderNoLongerHasCountsAsRevoked() async throws {
        let (simulator, dir, config) = try await synced(faults: [SimulatorFault(provider: .sailPoint, behaviour: .missingOnDelete)])
        let id = await simulator.provider(.sailPoint).tokens[1].id
        let result = try await BuiltProduct.run(["revoke", "sim-sailpoint/\(id)", "--yes", "--config", config])
        await simulator.stop()
        _ = dir
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("was already gone at the provider"))
    }

    @Test func aProviderWithoutARevokeAPIFailsAndTheAttemptIsAudited() async throws {
        let (simulator, dir, config) = try await synced()
        let result = try await BuiltProduct.run(["revoke", "sim-planningcenter/400001", "--yes", "--config", config])
        let history = try await BuiltProduct.run(["history", "sim-planningcenter/400001", "--config", config])
        await simulator.stop()
        _ = dir
        #expect(result.status == 1)
        #expect(result.stderr.contains("a person must revoke token 400001"))
        #expect(history.stdout.contains("revoke (manual): failed"))
    }
}

/// Root acting on another user's state directory would run what that user's files say with root's rights.
@Suite struct StateOwnershipTests {
    @Test(.enabled(if: getuid() == 0, "only root is refused here"))
    func rootRefusesToActOnAStateDirectoryAnotherUserOwns() async throws {
        let setup = try CLITests.Setup()
        try FileManager.default.createDirectory(atPath: setup.dir.subpath("state"), withIntermediateDirectories: true)
        #expect(chown(setup.dir.subpath("state"), 995, 995) == 0)
        let sync = try await setup.run("sync")
        #expect(sync.status == 1)
        #expect(sync.stderr.contains("\(setup.dir.subpath("state")) belongs to") && sync.stderr.contains("run this command as that user"), "\(sync.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: setup.dir.subpath("state")).isEmpty, "nothing written there")
    }
}
