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
        let result = try await BuiltProduct.run(["rotate", "sim-cryptlex/\(await simulator.provider(.cryptlex).tokens[0].id)", "--yes",
                                                 "--deliver-file", target, "--overlap", "0s", "--config", config])
        let secret = (try? String(contentsOfFile: target, encoding: .utf8)) ?? "missing"
        let owner = await simulator.provider(.cryptlex).liveToken(withSecret: secret)
        let old = await simulator.provider(.cryptlex).tokens[0]
        let history = try await BuiltProduct.run(["history", "sim-cryptlex/\(old.id)", "--config", config])
        await simulator.stop()
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.hasPrefix("NOTICE    rotated sim-cryptlex/\(old.id)"))
        #expect(owner != nil && owner?.id != old.id)
        #expect(old.revoked)
        for step in ["planned", "created", "delivered", "old_revoked", "done", "rotate (manual): succeeded"] {
            #expect(history.stdout.contains(step), "history lacks \(step)")
        }
        #expect(!result.stdout.contains(secret) && !history.stdout.contains(secret))
    }

    @Test func refusesWhatItCannotDoAndSaysWhy() async throws {
        let (simulator, dir, config) = try await RevokeCommandTests().synced()
        let noRule = try await BuiltProduct.run(["rotate", "sim-awx/2", "--yes", "--config", config])
        let planningCenter = try await BuiltProduct.run(["rotate", "sim-planningcenter/\(await simulator.provider(.planningCenter).tokens[0].id)",
                                                         "--yes", "--deliver-file", "/tmp/x", "--config", config])
        let badOverlap = try await BuiltProduct.run(["rotate", "sim-awx/2", "--overlap", "soon", "--config", config])
        let writes = await simulator.provider(.awx).writes
        await simulator.stop()
        _ = dir
        #expect(noRule.status == 1)
        #expect(noRule.stderr.contains("no rotate rule matches sim-awx/2, so tokenwarden does not know where the new secret goes; give --deliver-file PATH"))
        #expect(planningCenter.status == 1)
        #expect(planningCenter.stderr.contains("Planning Center has no API to create tokens"))
        #expect(badOverlap.status == 2)
        #expect(badOverlap.stderr.contains("--overlap: \"soon\" is not a duration"))
        #expect(writes == 0)
    }
}
