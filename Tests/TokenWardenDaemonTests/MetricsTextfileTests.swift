import Foundation
import Testing
import TokenWardenCore
import TokenWardenJournal
import TokenWardenSimulator
import TokenWardenTestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The daemon's metrics: the textfile rewritten after cycles (on the test clock), the same text on
/// `[metrics] listen` over real loopback HTTP, and a taken port that costs the endpoint only.
@Suite(.timeLimit(.minutes(1)))
struct MetricsTextfileTests {
    static let policy = """
        [[rule]]
        name = "revoke-old"
        when.age_over = "100d"
        action = "revoke"
        """
    static let tokens = [DaemonHarness.token("1", "old-a", createdDaysAgo: 200), DaemonHarness.token("2", "old-b", createdDaysAgo: 200)]

    static func config(listen: String? = nil) -> (ProviderSimulator, TemporaryDirectory) throws -> String {
        { simulator, directory in
            try FileManager.default.createDirectory(atPath: directory.subpath("textfile"), withIntermediateDirectories: true)
            let address = listen.map { "listen = \"\($0.replacingOccurrences(of: "SIMULATOR", with: "\(simulator.port)"))\"\n" } ?? ""
            return "\n[metrics]\ntextfile = \"\(directory.subpath("textfile/tokenwarden.prom"))\"\n" + address
        }
    }

    @Test func eachCycleRewritesTheTextfileWithItsProvidersPollAndHeldDecisions() async throws {
        try await DaemonHarness.with(
            kinds: [.awx], tokens: [.awx: Self.tokens], policy: Self.policy, enforce: true, maxActions: 1, config: Self.config()
        ) { daemon in
            let path = daemon.directory.subpath("textfile/tokenwarden.prom")
            // At start, before any poll: what the store holds (nothing yet).
            let start = try #require(await daemon.nextMetrics { _ in true })
            #expect(start.contains(#"tokenwarden_tokens{provider="sim-awx",state="active"} 0.0"#), "\(start)")
            #expect(await daemon.clock.waitForSleepers(1))
            daemon.clock.advanceToNextDeadline()
            _ = try #require(await daemon.nextReport())
            let first = try #require(await daemon.nextMetrics { $0.contains(#"tokenwarden_tokens{provider="sim-awx",state="revoked"} 1.0"#) })
            #expect(first.contains(#"tokenwarden_decisions_held{provider="sim-awx",reason="blast-radius"} 1.0"#), "\(first)")
            #expect(first.contains(#"tokenwarden_actions_total{action="revoke",result="succeeded"} 1"#), "\(first)")
            #expect(try String(contentsOfFile: path, encoding: .utf8) == first)
            let written = daemon.clock.date.timeIntervalSince1970

            #expect(await daemon.clock.waitForSleepers(1))
            daemon.clock.advanceToNextDeadline()
            _ = try #require(await daemon.nextReport())
            let second = try #require(await daemon.nextMetrics { $0.contains(#"tokenwarden_actions_total{action="revoke",result="succeeded"} 2"#) })
            #expect(!second.contains(#"reason="blast-radius""#), "nothing held back at the second cycle: \(second)")
            #expect(try String(contentsOfFile: path, encoding: .utf8) == second)
            let stamp = second.split(separator: "\n").first { $0.hasPrefix("tokenwarden_metrics_timestamp_seconds ") }
            #expect((stamp?.split(separator: " ").last).flatMap { Double($0) }.map { $0 > written } == true, "\(stamp ?? "")")
        }
    }

    @Test func theListenAddressAnswersTheTextTheTextfileHolds() async throws {
        try await DaemonHarness.with(
            kinds: [.awx], tokens: [.awx: Self.tokens], policy: Self.policy, config: Self.config(listen: "127.0.0.1:0")
        ) { daemon in
            let port = try #require(await daemon.metricsPort())
            #expect(await daemon.clock.waitForSleepers(1))
            daemon.clock.advanceToNextDeadline()
            _ = try #require(await daemon.nextReport())
            let text = try #require(await daemon.nextMetrics { $0.contains(#"tokenwarden_tokens{provider="sim-awx",state="active"} 2.0"#) })
            let (body, response) = try await Self.get("http://127.0.0.1:\(port)/metrics")
            #expect(response.statusCode == 200)
            #expect(response.value(forHTTPHeaderField: "Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
            #expect(body == text)
            #expect(try String(contentsOfFile: daemon.directory.subpath("textfile/tokenwarden.prom"), encoding: .utf8) == text)
            let (_, elsewhere) = try await Self.get("http://127.0.0.1:\(port)/")
            #expect(elsewhere.statusCode == 404)

            // A reload that removes [metrics]: the endpoint (read at start) stops serving old numbers.
            let config = try String(contentsOfFile: daemon.config, encoding: .utf8)
            let withoutMetrics = String(config[..<(config.range(of: "\n[metrics]")?.lowerBound ?? config.endIndex)])
            try Data(withoutMetrics.utf8).write(to: URL(fileURLWithPath: daemon.config))
            await daemon.shell.reload()
            #expect(await daemon.clock.waitForSleepers(1))
            daemon.clock.advanceToNextDeadline()
            _ = try #require(await daemon.nextReport())
            #expect(await daemon.metricsWithdrawn())
            let (after, withdrawn) = try await Self.get("http://127.0.0.1:\(port)/metrics")
            #expect(withdrawn.statusCode == 503, "\(after)")
        }
    }

    @Test func aTakenPortIsJournaledAndTheDaemonPollsOnWithoutIt() async throws {
        // The simulator already listens on its port.
        try await DaemonHarness.with(
            kinds: [.awx], tokens: [.awx: Self.tokens], policy: Self.policy, config: Self.config(listen: "127.0.0.1:SIMULATOR")
        ) { daemon in
            #expect(await daemon.clock.waitForSleepers(1))
            daemon.clock.advanceToNextDeadline()
            let report = try #require(await daemon.nextReport())
            #expect(!report.failed)
            _ = try #require(await daemon.nextMetrics { $0.contains(#"tokenwarden_tokens{provider="sim-awx",state="active"} 2.0"#) })
            let refused = daemon.journal(.metricsNotServed)
            #expect(refused.count == 1)
            #expect(refused.first?.level == .error)
            #expect(refused.first?.message.hasPrefix("the metrics cannot be served on 127.0.0.1:\(daemon.simulator.port): ") == true, "\(refused)")
        }
    }

    static func get(_ url: String) async throws -> (String, HTTPURLResponse) {
        let (data, response) = try await URLSession.shared.data(from: try #require(URL(string: url)))
        return (String(decoding: data, as: UTF8.self), try #require(response as? HTTPURLResponse))
    }
}
