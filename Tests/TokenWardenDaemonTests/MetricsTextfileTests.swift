import Foundation
import Testing
import TokenWardenCore
import TokenWardenSimulator
import TokenWardenTestSupport

/// The daemon rewrites `[metrics] textfile` after each cycle, on the test clock.
@Suite(.timeLimit(.minutes(1)))
struct MetricsTextfileTests {
    @Test func eachCycleRewritesTheTextfileWithItsProvidersPollAndHeldDecisions() async throws {
        let policy = """
            [[rule]]
            name = "revoke-old"
            when.age_over = "100d"
            action = "revoke"
            """
        let tokens = [DaemonHarness.token("1", "old-a", createdDaysAgo: 200), DaemonHarness.token("2", "old-b", createdDaysAgo: 200)]
        let metrics: (ProviderSimulator, TemporaryDirectory) throws -> String = { _, directory in
            try FileManager.default.createDirectory(atPath: directory.subpath("textfile"), withIntermediateDirectories: true)
            return "\n[metrics]\ntextfile = \"\(directory.subpath("textfile/tokenwarden.prom"))\"\n"
        }
        try await DaemonHarness.with(kinds: [.awx], tokens: [.awx: tokens], policy: policy, enforce: true, maxActions: 1, config: metrics) { daemon in
            let path = daemon.directory.subpath("textfile/tokenwarden.prom")
            #expect(!FileManager.default.fileExists(atPath: path))
            #expect(await daemon.clock.waitForSleepers(1))
            daemon.clock.advanceToNextDeadline()
            _ = try #require(await daemon.nextReport())
            let first = try String(contentsOfFile: path, encoding: .utf8)
            #expect(first.contains(#"tokenwarden_decisions_held{provider="sim-awx",reason="blast-radius"} 1.0"#), "\(first)")
            #expect(first.contains(#"tokenwarden_actions_total{action="revoke",result="succeeded"} 1"#), "\(first)")
            #expect(first.contains(#"tokenwarden_tokens{provider="sim-awx",state="revoked"} 1.0"#), "\(first)")
            let written = daemon.clock.date.timeIntervalSince1970

            #expect(await daemon.clock.waitForSleepers(1))
            daemon.clock.advanceToNextDeadline()
            _ = try #require(await daemon.nextReport())
            let second = try String(contentsOfFile: path, encoding: .utf8)
            #expect(second.contains(#"tokenwarden_actions_total{action="revoke",result="succeeded"} 2"#), "\(second)")
            #expect(!second.contains(#"reason="blast-radius""#), "nothing held back at the second cycle: \(second)")
            let stamp = second.split(separator: "\n").first { $0.hasPrefix("tokenwarden_metrics_timestamp_seconds ") }
            #expect((stamp?.split(separator: " ").last).flatMap { Double($0) }.map { $0 > written } == true, "\(stamp ?? "")")
        }
    }
}
