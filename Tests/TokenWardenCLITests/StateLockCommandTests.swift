import Foundation
import Testing
import TokenWardenLifecycle
import TokenWardenSimulator
import TokenWardenTestSupport

extension SubprocessSuites {
    /// One tokenwarden per state directory, between real processes.
    @Suite struct StateLockCommandTests {
        @Test func aSecondDaemonOnTheSameStateExitsTwoNamingTheFirstsPID() async throws {
            let simulator = try await ProviderSimulator.start(.init(tokensPerProvider: 3))
            let dir = try TemporaryDirectory()
            let config = try SimulatorSetup.write(for: simulator, into: dir.subpath("sim"), pollInterval: "1h")
            let listener = try NotifyListener(path: dir.subpath("notify.sock"))
            let first = try DaemonCommandTests.Service(
                ["daemon", "--config", config, "--log-format", "text"], environment: ["NOTIFY_SOCKET": listener.path], scratch: dir)
            _ = try await BuiltProduct.offThePool { try listener.receive(until: { $0.contains("READY=1") }) }
            let second = try await BuiltProduct.run(["daemon", "--config", config, "--log-format", "text"])
            first.signal(SIGTERM)
            let firstStatus = try await first.waitForExit()
            await simulator.stop()
            #expect(second.status == 2)
            #expect(second.stderr.contains("another tokenwarden daemon (PID \(first.process.processIdentifier)) already runs"), "\(second.stderr)")
            #expect(!second.stderr.contains("tokenwarden started"))
            #expect(firstStatus == 0, "the first daemon ran on: \(first.stderr)")
        }

        @Test func aSyncWaitsForTheCycleInProgressThenRuns() async throws {
            let simulator = try await ProviderSimulator.start(.init(tokensPerProvider: 3))
            let dir = try TemporaryDirectory()
            let config = try SimulatorSetup.write(for: simulator, into: dir.subpath("sim"))
            // A cycle in progress, as the daemon holds it.
            var cycle = try await StateLock.cycle(stateDirectory: dir.subpath("sim/state"), shared: true, patience: .zero)
            #expect(cycle != nil)
            let sync = try BuiltProduct.start(["sync", "--config", config])
            let waiting = try await BuiltProduct.offThePool {
                for _ in 0..<600 where !sync.stderrSoFar.contains("waiting for PID") { usleep(50_000) }
                return sync.stderrSoFar
            }
            let listedWhileHeld = await simulator.provider(.awx).listRequests
            cycle = nil
            let result = try await sync.wait()
            await simulator.stop()
            #expect(waiting.contains("waiting for PID \(getpid()) (the daemon's cycle, or another command) to finish"), "\(waiting)")
            #expect(listedWhileHeld == 0, "nothing was polled while the cycle ran")
            #expect(result.status == 0, "\(result.stderr)")
        }
    }
}

extension SubprocessSuites.StateLockCommandTests {
    /// Without systemd to ask, `status` tells a running daemon from one that is gone by its lock.
    @Test(.enabled(if: !FileManager.default.fileExists(atPath: "/run/systemd/system"), "systemd answers for the service there"))
    func statusWithoutSystemdKnowsWhetherTheDaemonStillRuns() async throws {
        let simulator = try await ProviderSimulator.start(.init(tokensPerProvider: 3))
        let dir = try TemporaryDirectory()
        let config = try SimulatorSetup.write(for: simulator, into: dir.subpath("sim"), pollInterval: "1h")
        let fresh = try await BuiltProduct.run(["status", "--config", config])
        let listener = try NotifyListener(path: dir.subpath("notify.sock"))
        let daemon = try SubprocessSuites.DaemonCommandTests.Service(
            ["daemon", "--config", config, "--log-format", "text"], environment: ["NOTIFY_SOCKET": listener.path], scratch: dir)
        _ = try await BuiltProduct.offThePool { try listener.receive(until: { $0.contains("STATUS=") && $0.contains("tokens") }) }
        let running = try await BuiltProduct.run(["status", "--config", config])
        daemon.signal(SIGKILL)
        _ = try await daemon.waitForExit()
        let gone = try await BuiltProduct.run(["status", "--config", config])
        await simulator.stop()
        let pid = daemon.process.processIdentifier
        #expect(fresh.stdout.contains("tokenwarden.service: no systemd to ask"), "no daemon ever ran here: \(fresh.stdout)")
        #expect(running.stdout.contains("tokenwarden.service: active (daemon PID \(pid), no systemd to ask)"), "\(running.stdout)")
        #expect(gone.status == 1)
        #expect(gone.stdout.contains("the daemon that last ran here, PID \(pid), is gone"), "\(gone.stdout)")
        #expect(gone.stdout.contains("needs attention:\n  - the service is inactive"), "\(gone.stdout)")
    }
}

extension SubprocessSuites.StateLockCommandTests {
    /// A command that holds the state directory for a whole poll interval makes the daemon skip that
    /// cycle: a notice of its own kind, not a failed poll.
    @Test func aCycleBlockedForAWholeIntervalIsSkippedNotFailed() async throws {
        let simulator = try await ProviderSimulator.start(.init(tokensPerProvider: 3))
        let dir = try TemporaryDirectory()
        let config = try SimulatorSetup.write(for: simulator, into: dir.subpath("sim"), pollInterval: "2s")
        try FileManager.default.createDirectory(atPath: dir.subpath("sim/state"), withIntermediateDirectories: true)
        // As `sync` holds it: the intent and the cycle lock, alone.
        var command = try await StateLock.cycle(stateDirectory: dir.subpath("sim/state"), patience: .zero)
        #expect(command != nil)
        let daemon = try SubprocessSuites.DaemonCommandTests.Service(
            ["daemon", "--config", config, "--log-format", "text"], environment: [:], scratch: dir)
        let stderr = try await BuiltProduct.offThePool {
            for _ in 0..<300 where !daemon.stderr.contains("this cycle was skipped") { usleep(50_000) }
            return daemon.stderr
        }
        command = nil
        daemon.signal(SIGTERM)
        _ = try await daemon.waitForExit()
        await simulator.stop()
        #expect(stderr.contains("NOTICE") && stderr.contains("this cycle was skipped: an admin's command (PID \(getpid()))"), "\(stderr)")
        #expect(!stderr.contains("poll failed"), "a skipped cycle is no failed poll: \(stderr)")
        withExtendedLifetime(command) {}
    }
}
