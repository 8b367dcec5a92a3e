import Foundation
import Subprocess
import SystemPackage
import TokenWardenCore

/// A trusted program tokenwarden starts (a delivery command, a notification command, sendmail),
/// through swift-subprocess: in a process group of its own, with every descriptor but 0-2 closed,
/// default signal dispositions and an empty signal mask (the daemon ignores SIGPIPE; its children
/// must not inherit that). Success is the program's own exit, whatever it left running in the
/// background. At the timeout the whole group gets SIGTERM, then SIGKILL two seconds later.
/// Its output goes to /dev/null, never quoted or stored.
enum ChildProcess {
    /// Runs `argv` with `input()` on its standard input; throws a `DeliveryError` saying how it ended
    /// (followed by `outputNote`) unless it exited 0 within `timeout`.
    static func run(
        _ argv: [String], input: @escaping @Sendable () -> [UInt8], environment: [String: String], timeout: TimeSpan, outputNote: String
    ) async throws {
        var options = PlatformOptions()
        options.processGroupID = 0
        options.teardownSequence = [.send(signal: .terminate, toProcessGroup: true, allowedDurationToNextStep: .seconds(2))]
        let configuration = Subprocess.Configuration(
            executable: .path(FilePath(argv[0])),
            arguments: Arguments(Array(argv.dropFirst())),
            environment: .custom(Dictionary(uniqueKeysWithValues: environment.map { (Environment.Key(stringLiteral: $0.key), $0.value) })),
            workingDirectory: FilePath("/"),
            platformOptions: options)
        let status: TerminationStatus? = try await withThrowingTaskGroup(of: TerminationStatus?.self) { group in
            group.addTask {
                let result = try await Subprocess.run(configuration, input: .inputWriter, output: .discarded, error: .discarded) { execution in
                    let writer = execution.standardInputWriter
                    // A program that closes its input early is judged by its exit status, not by this write.
                    _ = try? await writer.write(input())
                    _ = try? await writer.finish()
                }
                return result.terminationStatus
            }
            group.addTask {
                try await Task.sleep(for: .seconds(timeout.timeInterval))
                return nil  // the timeout won: cancelling the run sends the group the teardown above
            }
            defer { group.cancelAll() }
            do {
                return try await group.next() ?? nil
            } catch let error as SubprocessError {
                throw DeliveryError("cannot start \(argv[0]): \(error.underlyingError.map { "\($0)" } ?? "\(error)")")
            }
        }
        switch status {
        case nil: throw DeliveryError("\(argv[0]) did not finish within \(timeout) and was stopped; \(outputNote)")
        case .exited(0): return
        case .exited(let code): throw DeliveryError("\(argv[0]) exited with status \(code); \(outputNote)")
        case .signaled(let signal): throw DeliveryError("\(argv[0]) was killed by signal \(signal); \(outputNote)")
        }
    }
}
