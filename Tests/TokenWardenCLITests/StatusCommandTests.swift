import Foundation
import Testing
import TokenWardenCore
import TokenWardenSimulator
import TokenWardenStore
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
        // One short line per provider in the table; the whole error once, below it.
        let failedLine = failing.stdout.split(separator: "\n").first { $0.hasPrefix("sim-awx ") }.map(String.init) ?? ""
        #expect(failedLine.contains("FAILED (see below)") && failedLine.count < 140, "\(failedLine)")
        let attention = try #require(failing.stdout.split(separator: "\n").first { $0.hasPrefix("  - sim-awx: the last poll failed") })
        let error = String(attention.split(separator: ": ", maxSplits: 2).last ?? "")
        #expect(error.count > 20 && failing.stdout.components(separatedBy: error).count == 2, "the error is printed once: \(failing.stdout)")
        #expect(json.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["healthy"] as? Bool == false)
        #expect((object["attention"] as? [String])?.count == 1)
        let providers = object["providers"] as? [[String: Any]] ?? []
        let awx = try #require(providers.first { $0["id"] as? String == "sim-awx" })
        #expect(awx["consecutive_failures"] as? Int == 2)
        #expect(awx["poll_interval_seconds"] as? Int == 900)
        #expect((awx["last_poll_at"] as? String)?.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil)
        #expect(providers.first { $0["id"] as? String == "sim-aap" }?["consecutive_failures"] as? Int == 0)
    }

    /// A broken policy on disk while the daemon runs the one it loaded before: every problem with its
    /// file:line, and what the daemon runs since when.
    @Test func aBrokenConfigurationIsShownWholeWithWhatTheDaemonStillRuns() async throws {
        let setup = try CLITests.Setup(policy: "[[rule]]\nname = \"x\"\nwhen.unused_fr = \"1d\"\naction = \"notfy\"\n")
        let store = try TokenStore.open(path: setup.database)
        let loaded = try ProviderTimestamp.parse("2026-12-01T08:00:00Z").date
        try store.recordConfigLoaded(at: loaded)
        try store.recordConfigRefused("1 problem in the configuration:\n  10-baseline.toml:3: …", at: loaded + 3_600)
        let status = try await setup.run("status")
        let json = try await setup.run("status", "--json")
        #expect(status.status == 1)
        #expect(status.stdout.contains("configuration on disk:\n  2 problems in the configuration:"), "\(status.stdout)")
        #expect(status.stdout.contains("10-baseline.toml:3: rule \"x\", key \"when.unused_fr\": unknown key"))
        #expect(status.stdout.contains("10-baseline.toml:4:"))
        #expect(
            status.stdout.contains(
                "the configuration on disk has 2 problems (listed under \"configuration on disk\"), so a reload or restart would be refused"))
        #expect(status.stdout.contains("the daemon runs the configuration it loaded at 2026-12-01T08:00:00Z"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let configuration = try #require(object["configuration"] as? [String: Any])
        #expect(configuration["loaded_at"] as? String == "2026-12-01T08:00:00.000Z")
        #expect(configuration["reload_refused_at"] as? String == "2026-12-01T09:00:00.000Z")
        #expect((configuration["problem"] as? String)?.contains("10-baseline.toml:3:") == true)
    }
}
