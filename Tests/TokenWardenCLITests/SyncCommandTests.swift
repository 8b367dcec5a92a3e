import Foundation
import Testing
import TokenWardenCore
import TokenWardenSimulator
import TokenWardenTestSupport

/// `tokenwarden sync` and `simulate` as an admin runs them: the real binary against the simulator.
@Suite struct SyncCommandTests {
    @Test func syncRecordsEveryProviderAndTheInventoryShowsThem() async throws {
        let simulator = try await ProviderSimulator.start(.init(tokensPerProvider: 25))
        let dir = try TemporaryDirectory()
        let config = try SimulatorSetup.write(for: simulator, into: dir.subpath("sim"))
        let sync = try await BuiltProduct.run(["sync", "--config", config])
        let tokens = try await BuiltProduct.run(["tokens", "--config", config, "--provider", "sim-awx", "--json"])
        await simulator.stop()
        #expect(sync.status == 0, "\(sync.stdout)\(sync.stderr)")
        for kind in ProviderKind.allCases {
            #expect(sync.stdout.contains("sim-\(kind.rawValue)") && sync.stdout.contains("25 tokens: 25 new"))
        }
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(tokens.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 25)
    }

    @Test func aFailingProviderFailsTheRunButTheOthersAreRecordedAndNoSecretLeaks() async throws {
        let simulator = try await ProviderSimulator.start(.init(tokensPerProvider: 5))
        let dir = try TemporaryDirectory()
        let config = try SimulatorSetup.write(for: simulator, into: dir.subpath("sim"))
        let planted = "PLANTED-wrong-awx-token-4f1d"
        try dir.write("sim/awx.credential", planted + "\n", mode: 0o600)
        let result = try await BuiltProduct.run(["sync", "--config", config])
        await simulator.stop()

        #expect(result.status == 1)
        let failed = result.stdout.split(separator: "\n").first { $0.hasPrefix("sim-awx") } ?? ""
        #expect(failed.contains("FAILED") && failed.contains("401 Unauthorized: the credential was not accepted"))
        #expect(result.stdout.split(separator: "\n").filter { $0.contains(" ok ") }.count == ProviderKind.allCases.count - 1)
        // Neither the planted token nor any real credential is printed or stored.
        var secrets = [planted]
        for kind in ProviderKind.allCases where kind != .awx {
            let content = simulator.provider(kind).credential
            secrets.append(String(content.split(separator: ":").last ?? Substring(content)))
        }
        let database = ["", "-wal", "-shm"].compactMap {
            try? Data(contentsOf: URL(fileURLWithPath: dir.subpath("sim/state/tokenwarden.sqlite") + $0))
        }
        #expect(!database.isEmpty)
        for secret in secrets {
            #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret))
            #expect(database.allSatisfy { $0.range(of: Data(secret.utf8)) == nil })
        }
    }

    @Test func syncRefusesAnInvalidConfigWithExitTwo() async throws {
        let dir = try TemporaryDirectory()
        let config = try dir.write("tokenwarden.toml", "[[provider]]\nid = \"x\"\nkind = \"awx\"\n")
        let result = try await BuiltProduct.run(["sync", "--config", config])
        #expect(result.status == 2)
        #expect(result.stderr.contains("key \"base_url\": missing"))
    }

    @Test func simulatePrintsAConfigThatWorksAndStopsOnSIGTERM() async throws {
        let dir = try TemporaryDirectory()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BuiltProduct.executable)
        process.arguments = ["simulate", "--tokens", "7", "--directory", dir.subpath("sim"), "--fault", "awx:status=503*1"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let reader = output.fileHandleForReading
        let printed = try await BuiltProduct.offThePool {
            var printed = ""
            while !printed.contains("Ctrl-C to stop") {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                printed += String(decoding: chunk, as: UTF8.self)
            }
            return printed
        }
        let config = dir.subpath("sim/tokenwarden.toml")
        let sync = try await BuiltProduct.run(["sync", "--config", config])
        process.terminate()
        try await BuiltProduct.offThePool { process.waitUntilExit() }

        #expect(printed.contains("faults: awx:status=503*1"))
        #expect(printed.contains("config: \(config)"))
        #expect(sync.status == 0, "\(sync.stdout)")
        #expect(sync.stdout.contains("7 tokens: 7 new"))
        let mode = try FileManager.default.attributesOfItem(atPath: dir.subpath("sim/awx.credential"))[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
    }
}
