import Foundation
import Testing
import TokenWardenCore
import TokenWardenSimulator
import TokenWardenTestSupport

/// `tokenwarden status` through the real binary: healthy after a good sync (exit 0), attention after
/// failed polls (exit 1), the same verdict in `--json`.
@Suite struct StatusCommandTests {
    @Test func aGoodSyncIsHealthyAndAFailingProviderNeedsAttention() async throws {
        let simulator = try await ProviderSimulator.start(.init(tokensPerProvider: 3))
        let dir = try TemporaryDirectory()
        let config = try SimulatorSetup.write(for: simulator, into: dir.subpath("sim"))
        let before = try await BuiltProduct.run(["status", "--config", config])
        #expect(
            before.status == 1 && before.stdout.contains("does not exist yet") && before.stdout.contains("sim-awx has never been polled"),
            "\(before.stdout)")

        #expect(try await BuiltProduct.run(["sync", "--config", config]).status == 0)
        let healthy = try await BuiltProduct.run(["status", "--config", config])
        #expect(healthy.status == 0, "\(healthy.stdout)\(healthy.stderr)")
        #expect(healthy.stdout.hasSuffix("healthy\n"))
        #expect(healthy.stdout.contains("last check") && healthy.stdout.contains(": ok"))
        let awxLine = healthy.stdout.split(separator: "\n").first { $0.hasPrefix("sim-awx ") }.map(String.init) ?? ""
        #expect(awxLine.contains(" ok ") && awxLine.contains(" 3 "), "\(awxLine)")

        // AWX now refuses the credential (401, not retried); the other providers still answer.
        try dir.write("sim/awx.credential", "no-longer-valid\n", mode: 0o600)
        _ = try await BuiltProduct.run(["sync", "--config", config])
        _ = try await BuiltProduct.run(["sync", "--config", config])
        let failing = try await BuiltProduct.run(["status", "--config", config])
        let json = try await BuiltProduct.run(["status", "--config", config, "--json"])
        await simulator.stop()
        #expect(failing.status == 1)
        #expect(failing.stdout.contains("needs attention:\n  - sim-awx: the last poll failed (2 times in a row): "), "\(failing.stdout)")
        #expect(!failing.stdout.contains("no-longer-valid"))
        #expect(json.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["healthy"] as? Bool == false)
        #expect((object["attention"] as? [String])?.count == 1)
        let providers = (object["report"] as? [String: Any])?["providers"] as? [[String: Any]] ?? []
        #expect(providers.first { $0["id"] as? String == "sim-awx" }?["consecutiveFailures"] as? Int == 2)
        #expect(providers.first { $0["id"] as? String == "sim-aap" }?["consecutiveFailures"] as? Int == 0)
    }
}
