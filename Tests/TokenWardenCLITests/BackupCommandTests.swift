import Foundation
import Testing
import TokenWardenCore
import TokenWardenSimulator
import TokenWardenStore
import TokenWardenTestSupport

extension SubprocessSuites {
    /// `tokenwarden backup` against a daemon that is writing: every copy is whole, private and alone.
    @Suite struct BackupCommandTests {
        @Test func copiesTakenWhileTheDaemonWritesAreWholeAndPrivate() async throws {
            let simulator = try await ProviderSimulator.start(.init(tokensPerProvider: 2_000))
            let dir = try TemporaryDirectory()
            let config = try SimulatorSetup.write(for: simulator, into: dir.subpath("sim"), pollInterval: "1s")
            try FileManager.default.createDirectory(atPath: dir.subpath("backups"), withIntermediateDirectories: true)
            let listener = try NotifyListener(path: dir.subpath("notify.sock"))
            let daemon = try DaemonCommandTests.Service(
                ["daemon", "--config", config, "--log-format", "text"], environment: ["NOTIFY_SOCKET": listener.path], scratch: dir)
            // Until the first polls are in: STATUS= counts the inventory after each cycle.
            _ = try await BuiltProduct.offThePool {
                try listener.receive(until: { message in
                    guard let range = message.range(of: #"STATUS=(\d+) tokens"#, options: .regularExpression) else { return false }
                    return Int(message[range].dropFirst("STATUS=".count).prefix { $0.isNumber }) ?? 0 >= 8_000
                })
            }
            var results: [BuiltProduct.Result] = []
            for round in 0..<4 {
                // Polls land every second: the copies are taken across them.
                await simulator.provider(.awx).replaceTokens(
                    (0..<2_000).map { ObservedToken(id: "r\(round)-\($0)", name: "t\($0)", createdAt: Date(), expiresAt: Date() + 86_400) })
                results.append(try await BuiltProduct.run(["backup", dir.subpath("backups/copy-\(round).sqlite"), "--json", "--config", config]))
            }
            let again = try await BuiltProduct.run(["backup", dir.subpath("backups/copy-0.sqlite"), "--config", config])
            let inside = try await BuiltProduct.run(["backup", dir.subpath("sim/state/copy.sqlite"), "--config", config])
            daemon.signal(SIGTERM)
            _ = try await daemon.waitForExit()
            await simulator.stop()

            for (round, result) in results.enumerated() {
                #expect(result.status == 0, "\(result.stderr)")
                let path = dir.subpath("backups/copy-\(round).sqlite")
                let output = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
                #expect(output["check"] as? String == "ok" && (output["bytes"] as? Int ?? 0) > 0)
                var info = stat()
                #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o600)
                #expect(!FileManager.default.fileExists(atPath: path + "-wal"), "one file is the whole backup")
                let copy = try TokenStore.open(path: path)
                let counts = try copy.tokenCounts()
                #expect(counts.values.reduce(0, +) >= 8_000, "\(counts)")
            }
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.subpath("backups")).filter { $0.hasPrefix(".") }
            #expect(leftovers.isEmpty, "no partial copy is left: \(leftovers)")
            #expect(again.status == 1 && again.stderr.contains("it exists already"), "\(again.stderr)")
            #expect(inside.status == 2 && inside.stderr.contains("is inside the state directory"), "\(inside.stderr)")
        }
    }
}
