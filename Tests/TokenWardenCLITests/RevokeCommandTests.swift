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

/// Root acting on another user's state directory would run what that user's files say with root's
/// rights, and leave files that user cannot change: it becomes that user first, or refuses.
@Suite struct StateOwnershipTests {
    @Test(.enabled(if: getuid() == 0, "only root changes user"))
    func rootRefusesAStateDirectoryWhoseOwnerHasNoUserEntry() async throws {
        let setup = try CLITests.Setup()
        try FileManager.default.createDirectory(atPath: setup.dir.subpath("state"), withIntermediateDirectories: true)
        #expect(getpwuid(4995) == nil && chown(setup.dir.subpath("state"), 4995, 4995) == 0)
        let sync = try await setup.run("sync")
        #expect(sync.status == 1)
        #expect(sync.stderr.contains("\(setup.dir.subpath("state")) belongs to uid 4995, which has no entry in the user database"), "\(sync.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: setup.dir.subpath("state")).isEmpty, "nothing written there")
    }

    /// `sudo tokenwarden sync` on an installed system: the credentials are read as root, then the
    /// command works as the state directory's owner; everything it leaves there is that user's.
    @Test(.enabled(if: getuid() == 0 && getpwnam("nobody") != nil, "only root changes user"))
    func rootWorksAsTheStateDirectorysOwnerAndLeavesNoRootOwnedFile() async throws {
        let simulator = try await ProviderSimulator.start(.init(tokensPerProvider: 3))
        let dir = try TemporaryDirectory()
        let config = try SimulatorSetup.write(for: simulator, into: dir.subpath("sim"))
        // The service's user can reach its state directory, as under /var/lib; the credentials stay root's (0600).
        let nobody = try #require(getpwnam("nobody")?.pointee)
        #expect(chmod(dir.path, 0o711) == 0 && chmod(dir.subpath("sim"), 0o711) == 0)
        try FileManager.default.createDirectory(atPath: dir.subpath("sim/state"), withIntermediateDirectories: false)
        #expect(chown(dir.subpath("sim/state"), nobody.pw_uid, nobody.pw_gid) == 0)

        let sync = try await BuiltProduct.run(["sync", "--config", config])
        let tokens = try await BuiltProduct.run(["tokens", "--config", config])
        await simulator.stop()
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(tokens.status == 0 && tokens.stdout.contains("sim-awx"), "\(tokens.stderr)")
        let files = try #require(FileManager.default.enumerator(atPath: dir.subpath("sim/state"))?.allObjects as? [String])
        #expect(files.contains("tokenwarden.sqlite"))
        for file in files {
            var info = stat()
            #expect(lstat(dir.subpath("sim/state/" + file), &info) == 0 && info.st_uid == nobody.pw_uid, "\(file) does not belong to nobody")
        }
    }
}
