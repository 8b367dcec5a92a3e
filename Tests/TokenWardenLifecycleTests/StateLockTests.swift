import Foundation
import Testing
import TokenWardenLifecycle
import TokenWardenTestSupport

/// The state directory's locks, in this process (flock is per open file, so two takes conflict here too).
@Suite struct StateLockTests {
    @Test func aSecondDaemonLockIsRefusedNamingThePIDThatHoldsIt() throws {
        let dir = try TemporaryDirectory()
        let first = try StateLock.daemon(stateDirectory: dir.path)
        #expect(throws: StateLockError.self) { try StateLock.daemon(stateDirectory: dir.path) }
        do {
            _ = try StateLock.daemon(stateDirectory: dir.path)
        } catch let error as StateLockError {
            #expect(error.description.contains("another tokenwarden daemon (PID \(getpid())) already runs on the state directory \(dir.path)"))
        }
        withExtendedLifetime(first) {}
    }

    @Test func theDaemonLockIsFreeOnceItsHolderIsGone() throws {
        let dir = try TemporaryDirectory()
        var first: StateLock? = try StateLock.daemon(stateDirectory: dir.path)
        #expect(first != nil)
        first = nil
        _ = try StateLock.daemon(stateDirectory: dir.path)
    }

    @Test func cyclesShareTheLockAndACommandWaitsForThemNamingTheHolder() async throws {
        let dir = try TemporaryDirectory()
        let one = try await StateLock.cycle(stateDirectory: dir.path, shared: true, patience: .zero)
        let two = try await StateLock.cycle(stateDirectory: dir.path, shared: true, patience: .zero)
        #expect(one != nil && two != nil, "two cycles of one daemon run together")
        var waitedFor: [Int32?] = []
        let command = try await StateLock.cycle(stateDirectory: dir.path, patience: .milliseconds(300)) { waitedFor.append($0) }
        #expect(command == nil)
        #expect(waitedFor == [getpid()])
        withExtendedLifetime((one, two)) {}
    }

    /// Cycles of many providers overlap without end; a waiting command must still get its turn.
    @Test func whileACommandWaitsNoNewCycleStartsSoItIsNotStarved() async throws {
        let dir = try TemporaryDirectory()
        var running = try await StateLock.cycle(stateDirectory: dir.path, shared: true, patience: .zero)
        #expect(running != nil)
        let waiting = Task { try await StateLock.cycle(stateDirectory: dir.path, patience: .seconds(30)) }
        // Until the command has its intent, a new cycle could still start: wait for that moment.
        var blocked = false
        for _ in 0..<100 where !blocked {
            if let late = try await StateLock.cycle(stateDirectory: dir.path, shared: true, patience: .zero) {
                withExtendedLifetime(late) {}
                try await Task.sleep(for: .milliseconds(20))
            } else {
                blocked = true
            }
        }
        #expect(blocked, "a new cycle is held back while the command waits")
        running = nil
        let command = try await waiting.value
        #expect(command != nil, "the command gets the lock once the running cycle ends")
        #expect(try await StateLock.cycle(stateDirectory: dir.path, shared: true, patience: .zero) == nil, "and keeps it")
        withExtendedLifetime((running, command)) {}
    }

    @Test func aLockFileAnotherUserOwnsStillLocksWithoutTakingTheirPID() async throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("cycle.lock", "4242\n", mode: 0o644)
        try dir.write("intent.lock", "", mode: 0o644)
        #expect(chown(path, 65534, 65534) == 0 || getuid() != 0)
        let lock = try await StateLock.cycle(stateDirectory: dir.path, patience: .zero)
        #expect(lock != nil)
        let content = try String(contentsOfFile: path, encoding: .utf8)
        #expect(getuid() != 0 || content == "4242\n", "a file not ours is not written")
        withExtendedLifetime(lock) {}
    }

    @Test func aLockFileReplacedByASymlinkIsNotFollowed() async throws {
        let dir = try TemporaryDirectory()
        let victim = try dir.write("victim", "keep\n", mode: 0o600)
        try FileManager.default.createDirectory(atPath: dir.subpath("state"), withIntermediateDirectories: true)
        #expect(symlink(victim, dir.subpath("state/cycle.lock")) == 0)
        await #expect(throws: StateLockError.self) { _ = try await StateLock.cycle(stateDirectory: dir.subpath("state"), patience: .zero) }
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep\n")
    }
}
