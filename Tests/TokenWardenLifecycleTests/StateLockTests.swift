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

    @Test func aLockFileReplacedByASymlinkIsNotFollowed() async throws {
        let dir = try TemporaryDirectory()
        let victim = try dir.write("victim", "keep\n", mode: 0o600)
        try FileManager.default.createDirectory(atPath: dir.subpath("state"), withIntermediateDirectories: true)
        #expect(symlink(victim, dir.subpath("state/cycle.lock")) == 0)
        await #expect(throws: StateLockError.self) { _ = try await StateLock.cycle(stateDirectory: dir.subpath("state"), patience: .zero) }
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep\n")
    }
}
