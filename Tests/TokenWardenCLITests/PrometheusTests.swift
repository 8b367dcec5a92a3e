import Foundation
import Testing
import TokenWardenCore
import TokenWardenSimulator
import TokenWardenTestSupport

extension SubprocessSuites {
    /// The shipped alert rules and the metrics tokenwarden writes, checked by the real promtool
    /// (Debian's prometheus package, which `make test` installs).
    @Suite struct PrometheusTests {
        static let rules = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../packaging/prometheus").standardizedFileURL.path

        @Test func theShippedAlertRulesPassPromtoolsCheckAndTheirUnitTests() throws {
            let check = try BuiltProduct.capture("/usr/bin/promtool", ["check", "rules", Self.rules + "/tokenwarden.rules.yml"])
            #expect(check.status == 0, "\(check.output)")
            #expect(check.output.contains("SUCCESS: 6 rules found"), "\(check.output)")
            let test = try BuiltProduct.capture("/usr/bin/promtool", ["test", "rules", Self.rules + "/tokenwarden.rules.test.yml"])
            #expect(test.status == 0, "\(test.output)")
            #expect(test.output.contains("SUCCESS"), "\(test.output)")
        }

        /// `sync` against the simulator writes the textfile; promtool accepts it, hostile provider text
        /// stays inside its label, and only tokens near their expiry have series of their own.
        @Test func syncWritesATextfilePromtoolAcceptsWithEscapedLabels() async throws {
            let dir = try TemporaryDirectory()
            let simulator = try await ProviderSimulator.start(.init(tokensPerProvider: 0))
            let now = Date()
            await simulator.provider(.awx).replaceTokens([
                ObservedToken(
                    id: "7", name: "deploy \"prod\" \\ bot\nnext", owner: "alice", createdAt: now - 30 * 86_400, expiresAt: now + 5 * 86_400),
                ObservedToken(id: "8", name: "ci-runner", owner: "bob", createdAt: now - 30 * 86_400, expiresAt: now + 5 * 86_400),
                ObservedToken(id: "9", name: "far-away", owner: "carol", createdAt: now - 30 * 86_400, expiresAt: now + 200 * 86_400),
            ])
            let config = try SimulatorSetup.write(for: simulator, into: dir.subpath("sim"), kinds: [.awx, .sailPoint])
            let textfile = dir.subpath("textfile/tokenwarden.prom")
            try FileManager.default.createDirectory(atPath: dir.subpath("textfile"), withIntermediateDirectories: true)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: config))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data("\n[metrics]\ntextfile = \"\(textfile)\"\n".utf8))
            try handle.close()
            try dir.write(
                "sim/policies.d/10.toml",
                """
                [[rule]]
                name = "rotate-ci"
                match.name = "ci-*"
                when.age_over = "365d"
                action = "rotate"
                deliver.file = "\(dir.subpath("ci.token"))"
                """)
            let sync = try await BuiltProduct.run(["sync", "--config", config])
            await simulator.stop()
            #expect(sync.status == 0, "\(sync.stdout)\(sync.stderr)")

            let metrics = try String(contentsOfFile: textfile, encoding: .utf8)
            let attributes = try FileManager.default.attributesOfItem(atPath: textfile)
            #expect((attributes[.posixPermissions] as? Int) == 0o644)
            let lint = try BuiltProduct.capture("/bin/sh", ["-c", "/usr/bin/promtool check metrics < '\(textfile)'"])
            #expect(lint.status == 0, "\(lint.output)\n\(metrics)")
            for line in [
                #"tokenwarden_tokens{provider="sim-awx",state="active"} 3.0"#,
                #"tokenwarden_tokens_expiring{provider="sim-awx",within="7d"} 2.0"#,
                #"tokenwarden_tokens_expiring{provider="sim-awx",within="1d"} 0.0"#,
                #"tokenwarden_provider_poll_failures_total{provider="sim-awx"} 0"#,
                #"tokenwarden_provider_poll_interval_seconds{provider="sim-awx"} 900.0"#,
                #"tokenwarden_outbox_messages{state="pending"} 0.0"#,
            ] {
                #expect(metrics.contains(line + "\n"), "missing \(line) in\n\(metrics)")
            }
            #expect(metrics.contains(#"tokenwarden_tokens_unused{provider="sim-sailpoint",for="90d"} 0.0"#), "SailPoint reports last use")
            #expect(!metrics.contains(#"tokenwarden_tokens_unused{provider="sim-awx""#), "AWX does not report last use")
            #expect(metrics.contains(#"tokenwarden_provider_last_success_timestamp_seconds{provider="sim-awx"} "#))
            let tokenLines = metrics.split(separator: "\n").filter { $0.hasPrefix("tokenwarden_token_expiry_timestamp_seconds{") }
            #expect(tokenLines.count == 2, "only the two tokens within the 30-day horizon: \(tokenLines)")
            #expect(tokenLines.contains { $0.contains(#"name="deploy \"prod\" \\ bot\nnext""#) && $0.contains(#"rotate_rule="""#) }, "\(tokenLines)")
            #expect(tokenLines.contains { $0.contains(#"name="ci-runner""#) && $0.contains(#"rotate_rule="rotate-ci""#) }, "\(tokenLines)")
            #expect(!metrics.contains(simulator.provider(.awx).credential))
        }
    }
}
