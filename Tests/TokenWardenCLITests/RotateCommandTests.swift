import Foundation
import Testing
import TokenWardenCore
import TokenWardenSimulator
import TokenWardenTestSupport

/// `tokenwarden rotate` through the real binary, against the simulated providers.
@Suite struct RotateCommandTests {
    @Test func rotatesToTheGivenFileAndTheHistoryShowsEveryStep() async throws {
        let (simulator, dir, config) = try await RevokeCommandTests().synced()
        let target = dir.subpath("out/new.token")
        try FileManager.default.createDirectory(atPath: dir.subpath("out"), withIntermediateDirectories: true)
        let old = try #require(await simulator.provider(.awx).tokens.first { ($0.expiresAt ?? .distantFuture) > Date() })
        let reference = "sim-awx/\(old.id)"
        // Only the admin's credential: a successor would be the admin's, so nothing is created.
        let refused = try await BuiltProduct.run(["rotate", reference, "--yes", "--deliver-file", target, "--overlap", "0s", "--config", config])
        let writesBefore = await simulator.provider(.awx).writes
        // The owner's credential, added as an admin would: a [[provider.owner]] table under AWX.
        try await SimulatorSetup.addOwner(old.owner ?? "", kind: .awx, of: simulator, config: config)
        let result = try await BuiltProduct.run(["rotate", reference, "--yes", "--deliver-file", target, "--overlap", "0s", "--config", config])
        let secret = (try? String(contentsOfFile: target, encoding: .utf8)) ?? "missing"
        let successor = await simulator.provider(.awx).liveToken(withSecret: secret)
        let history = try await BuiltProduct.run(["history", reference, "--config", config])
        let oldLive = await simulator.provider(.awx).tokens.contains { $0.id == old.id }
        await simulator.stop()
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("belongs to \(old.owner ?? "")") && refused.stderr.contains("[[provider.owner]]"), "\(refused.stderr)")
        #expect(writesBefore == 0)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.hasPrefix("NOTICE    rotated \(reference)"))
        #expect(successor != nil && successor?.id != old.id)
        #expect(successor?.owner == old.owner, "the successor is the owner's, not the admin's")
        #expect(!oldLive)
        for step in ["planned", "created", "delivered", "old_revoked", "done", "rotate (manual): succeeded"] {
            #expect(history.stdout.contains(step), "history lacks \(step)")
        }
        #expect(!result.stdout.contains(secret) && !history.stdout.contains(secret))
    }

    @Test func refusesWhatItCannotDoAndSaysWhy() async throws {
        let (simulator, dir, config) = try await RevokeCommandTests().synced()
        let noRule = try await BuiltProduct.run(["rotate", "sim-awx/2", "--yes", "--config", config])
        let planningCenter = try await BuiltProduct.run([
            "rotate", "sim-planningcenter/\(await simulator.provider(.planningCenter).tokens[0].id)",
            "--yes", "--deliver-file", "/tmp/x", "--config", config,
        ])
        let badOverlap = try await BuiltProduct.run(["rotate", "sim-awx/2", "--overlap", "soon", "--config", config])
        let writes = await simulator.provider(.awx).writes
        await simulator.stop()
        _ = dir
        #expect(noRule.status == 1)
        #expect(
            noRule.stderr.contains(
                "no rotate rule matches sim-awx/2, so tokenwarden does not know where the new secret goes; give --deliver-file PATH"))
        #expect(planningCenter.status == 1)
        #expect(planningCenter.stderr.contains("Planning Center has no API to create tokens"))
        #expect(badOverlap.status == 2)
        #expect(badOverlap.stderr.contains("--overlap: \"soon\" is not a duration"))
        #expect(writes == 0)
    }
}
