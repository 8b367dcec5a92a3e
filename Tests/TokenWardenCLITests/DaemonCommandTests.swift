import Foundation
import Testing
import TokenWardenCore
import TokenWardenSimulator
import TokenWardenTestSupport

extension SubprocessSuites {
    /// `tokenwarden daemon` as systemd runs it: a real process, a real NOTIFY_SOCKET, real signals.
    /// What the daemon does between start and stop (spread, backoff, reporting, overlaps, reload,
    /// the shared write budget) is tested in process on a test clock: `DaemonShellTests`.
    @Suite struct DaemonCommandTests {
        /// The daemon as a child process with its stderr in a file.
        final class Service: @unchecked Sendable {
            let process = Process()
            let stderrPath: String

            init(_ arguments: [String], environment: [String: String], scratch: TemporaryDirectory) throws {
                stderrPath = try scratch.write("daemon.stderr", "")
                process.executableURL = URL(fileURLWithPath: BuiltProduct.executable)
                process.arguments = arguments
                var env = ProcessInfo.processInfo.environment
                for key in ["TOKENWARDEN_CONFIG", "CREDENTIALS_DIRECTORY", "NOTIFY_SOCKET", "WATCHDOG_USEC"] { env.removeValue(forKey: key) }
                process.environment = env.merging(environment) { $1 }
                process.standardInput = FileHandle.nullDevice
                process.standardOutput = FileHandle.nullDevice
                process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
                try process.run()
            }

            /// A test that fails half-way must not leave a daemon running.
            deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

            func signal(_ number: Int32) { kill(process.processIdentifier, number) }
            var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

            func waitForExit() async throws -> Int32 {
                try await BuiltProduct.offThePool { [process] in
                    process.waitUntilExit()
                    return process.terminationStatus
                }
            }
        }

        @Test func aDatabaseThatFailsItsCheckAfterStartStopsTheDaemonBeforeAnyPoll() async throws {
            let simulator = try await ProviderSimulator.start(.init(tokensPerProvider: 300))
            let dir = try TemporaryDirectory()
            let config = try SimulatorSetup.write(for: simulator, into: dir.subpath("sim"), pollInterval: "4s")
            let sync = try await BuiltProduct.run(["sync", "--config", config])
            #expect(sync.status == 0, "\(sync.stderr)")
            // A page in the middle of the file is overwritten; the schema on page 1 stays readable.
            let handle = try FileHandle(forUpdating: URL(fileURLWithPath: dir.subpath("sim/state/tokenwarden.sqlite")))
            let pages = try handle.seekToEnd() / 4096
            try handle.seek(toOffset: pages / 2 * 4096)
            try handle.write(contentsOf: Data(repeating: 0xA5, count: 4096))
            try handle.close()
            var listedBefore = 0
            for kind in ProviderKind.allCases { listedBefore += await simulator.provider(kind).listRequests }

            let listener = try NotifyListener(path: dir.subpath("notify.sock"))
            let service = try Service(
                ["daemon", "--config", config, "--log-format", "text"], environment: ["NOTIFY_SOCKET": listener.path], scratch: dir)
            _ = try await BuiltProduct.offThePool { try listener.receive(until: { $0.contains("READY=1") }) }
            let status = try await service.waitForExit()
            var listedAfter = 0
            for kind in ProviderKind.allCases { listedAfter += await simulator.provider(kind).listRequests }
            await simulator.stop()

            #expect(status == 1)
            #expect(service.stderr.contains("CRITICAL"), "\(service.stderr)")
            // The check reports the damage, or SQLite fails reading the damaged page: either way, this.
            #expect(service.stderr.contains("is damaged ("))
            #expect(service.stderr.contains("move the file aside"))
            #expect(listedAfter == listedBefore)
        }

        @Test func tellsSystemdEachStepReloadsOnSIGHUPKeepsTheOldPolicyOnABadOneAndStopsOnSIGTERM() async throws {
            let simulator = try await ProviderSimulator.start(.init(tokensPerProvider: 5))
            let dir = try TemporaryDirectory()
            let config = try SimulatorSetup.write(for: simulator, into: dir.subpath("sim"), pollInterval: "4s")
            try dir.write("sim/policies.d/10.toml", "[[rule]]\nname = \"warn\"\nwhen.expires_within = \"3650d\"\naction = \"notify\"\n")
            let listener = try NotifyListener(path: dir.subpath("notify.sock"))
            let service = try Service(
                ["daemon", "--config", config, "--log-format", "text"], environment: ["NOTIFY_SOCKET": listener.path], scratch: dir)

            let started = try await BuiltProduct.offThePool { try listener.receive(until: { $0.contains("READY=1") }) }
            let status = try await BuiltProduct.offThePool { try listener.receive(until: { $0.hasPrefix("STATUS=") && $0.contains("tokens") }) }

            service.signal(SIGHUP)
            let reloaded = try await BuiltProduct.offThePool { try listener.receive(until: { $0 == "READY=1" }) }

            try dir.write("sim/policies.d/20-broken.toml", "[[rule]]\nname = \"oops\"\naction = \"explode\"\n")
            service.signal(SIGHUP)
            let refused = try await BuiltProduct.offThePool { try listener.receive(until: { $0 == "READY=1" }) }

            service.signal(SIGTERM)
            let stopping = try await BuiltProduct.offThePool { try listener.receive(until: { $0.hasPrefix("STOPPING=1") }) }
            let status0 = try await service.waitForExit()
            await simulator.stop()

            #expect(started.last?.hasPrefix("READY=1\nSTATUS=started") == true, "\(started)")
            #expect(
                status.last?.range(
                    of: #"^STATUS=\d+ tokens, \d+ expiring ≤14d, 0 failing providers, next poll \d\d:\d\d UTC$"#, options: .regularExpression) != nil,
                "\(status)")
            let reloading = try #require(reloaded.first { $0.hasPrefix("RELOADING=1") })
            #expect(reloading.range(of: #"^RELOADING=1\nMONOTONIC_USEC=\d+$"#, options: .regularExpression) != nil)
            #expect(refused.contains { $0.hasPrefix("RELOADING=1") })
            #expect(stopping.last?.hasPrefix("STOPPING=1\nSTATUS=stopping: SIGTERM") == true)
            #expect(status0 == 0, "\(service.stderr)")
            let log = service.stderr
            #expect(log.contains("NOTICE   tokenwarden started: 6 providers, 1 rules, report-only"))
            #expect(log.contains("NOTICE   reloaded: 6 providers, 1 rules"))
            #expect(log.contains("ERROR    reload refused, the previous configuration stays in effect:"))
            #expect(log.contains("20-broken.toml:3: rule \"oops\", key \"action\": unknown action \"explode\""))
            #expect(log.contains("tokenwarden stopping (SIGTERM)"))
        }

        /// systemd may stop a unit the moment it reports `READY=1`; a SIGTERM sent then was once lost
        /// (the signals were ignored until libdispatch took them over) and the daemon ran on.
        @Test func aSIGTERMRightAfterReadyStopsTheDaemon() async throws {
            let simulator = try await ProviderSimulator.start(.init(tokensPerProvider: 1))
            let dir = try TemporaryDirectory()
            let config = try SimulatorSetup.write(for: simulator, into: dir.subpath("sim"), pollInterval: "1h")
            for attempt in 1...12 {
                let listener = try NotifyListener(path: dir.subpath("notify-\(attempt).sock"))
                let service = try Service(
                    ["daemon", "--config", config, "--log-format", "text"], environment: ["NOTIFY_SOCKET": listener.path], scratch: dir)
                _ = try await BuiltProduct.offThePool { try listener.receive(until: { $0.contains("READY=1") }) }
                service.signal(SIGTERM)
                let stopped = try await BuiltProduct.offThePool { try listener.receive(until: { $0.hasPrefix("STOPPING=1") }, seconds: 10) }
                #expect(stopped.last?.hasPrefix("STOPPING=1\nSTATUS=stopping: SIGTERM") == true, "attempt \(attempt)")
                #expect(try await service.waitForExit() == 0, "attempt \(attempt): \(service.stderr)")
            }
            await simulator.stop()
        }

        @Test func pingsTheWatchdogAtHalfItsIntervalWhileHealthy() async throws {
            let simulator = try await ProviderSimulator.start(.init(tokensPerProvider: 2))
            let dir = try TemporaryDirectory()
            let config = try SimulatorSetup.write(for: simulator, into: dir.subpath("sim"), pollInterval: "1h")
            let listener = try NotifyListener(path: dir.subpath("notify.sock"))
            let service = try Service(
                ["daemon", "--config", config, "--log-format", "text"],
                environment: ["NOTIFY_SOCKET": listener.path, "WATCHDOG_USEC": "400000"], scratch: dir)
            let pings = try await BuiltProduct.offThePool {
                try listener.receive(until: { $0 == "WATCHDOG=1" }) + listener.receive(until: { $0 == "WATCHDOG=1" })
            }
            service.signal(SIGTERM)
            let status = try await service.waitForExit()
            await simulator.stop()
            #expect(pings.filter { $0 == "WATCHDOG=1" }.count == 2)
            #expect(status == 0)
        }

        @Test func refusesToStartOnAnInvalidConfigWithExitTwo() async throws {
            let dir = try TemporaryDirectory()
            let config = try dir.write("tokenwarden.toml", "[daemon]\nenforce = \"yes\"\n")
            let result = try await BuiltProduct.run(["daemon", "--config", config])
            #expect(result.status == 2)
            #expect(result.stderr.contains("key \"enforce\""))
        }

        /// Without a terminal and with a journal listening (`make demo | tee demo.log`, CI), the demo's
        /// events once went to the journal and it printed its banner, then nothing.
        @Test func theDemoRunsTheWholeProductAndStopsAfterTheRequestedCycles() async throws {
            try Journald.ensureRunning()
            let dir = try TemporaryDirectory()
            let result = try await BuiltProduct.run([
                "demo", "--cycles", "2", "--interval", "1", "--tokens", "30",
                "--directory", dir.subpath("demo"),
            ])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.hasPrefix("tokenwarden demo: simulated providers on 127.0.0.1:"))
            #expect(result.stdout.contains("config:  \(dir.subpath("demo"))/tokenwarden.toml"))
            for expected in [
                "NOTICE   tokenwarden started: 6 providers, 3 rules, enforcing", "expires in", "NOTICE   revoked sim-",
                "NOTICE   rotating sim-awx/", "delivered to file \(dir.subpath("demo"))/deploy-bot-1.token", "tokenwarden stopping (2 rounds done)",
                "webhook ops received a digest (", "attention", "to notifier ops (webhook)",
                "mailbox received mail to dave@example.com: tokenwarden: 1 token needs attention", "to dave@example.com through notifier mail (mail)",
            ] {
                #expect(result.stdout.contains(expected), "missing: \(expected)")
            }
            let tokens = try await BuiltProduct.run(["tokens", "--config", dir.subpath("demo/tokenwarden.toml"), "--provider", "sim-awx"])
            #expect(tokens.status == 0 && tokens.stdout.contains("deploy-bot-1"))
        }
    }
}
