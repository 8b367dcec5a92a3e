import Foundation

/// Runs the `tokenwarden` executable built next to the test bundle, as an admin would: a real process,
/// real arguments, real exit code and output.
public enum BuiltProduct {
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
        /// The signal that killed the process (then `status` is that number too), or nil when it exited.
        public var signal: Int32? = nil
        /// The process id it ran as (journal entries carry it as `_PID`).
        public var pid: Int32 = 0
    }

    /// `.build/<triple>/debug/tokenwarden`, in the directory of the running test binary.
    public static var executable: String {
        let directory = (Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])).deletingLastPathComponent()
        return directory.appendingPathComponent("tokenwarden").path
    }

    /// Runs the binary and waits for it on a Dispatch thread, never on Swift's cooperative pool: the
    /// pool has one thread per core, and in-process simulators serving other tests (or this very
    /// subprocess) need it free. A blocking wait there stalled parallel tests into timeouts.
    public static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Result {
        try await offThePool { try runBlocking(arguments, environment: environment) }
    }

    /// Runs blocking work (waiting for a process, reading a pipe) on a thread of its own. Not on a
    /// Dispatch global queue: on Linux those share their threads with Swift's executor, and a few
    /// long waits there (a daemon test waits minutes) stalled every in-process simulator.
    public static func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Swift.Result { try work() }) }.start()
        }
    }

    private static func runBlocking(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        try Running(arguments, environment: environment).waitBlocking()
    }

    /// Runs any program to its end, blocking; stdout and stderr together, through a file (never a
    /// pipe the child could block on).
    public static func capture(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        let scratch = try TemporaryDirectory()
        let path = try scratch.write("output", "")
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, (try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
    }

    /// Starts the binary without waiting, so a test can act while it runs (kill it mid-request).
    public static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> Running {
        try Running(arguments, environment: environment)
    }

    /// A started `tokenwarden` process.
    public final class Running: @unchecked Sendable {
        private let process = Process()
        private let scratch: TemporaryDirectory
        private let outPath: String
        private let errPath: String

        public var pid: Int32 { process.processIdentifier }

        init(_ arguments: [String], environment: [String: String]) throws {
            process.executableURL = URL(fileURLWithPath: BuiltProduct.executable)
            process.arguments = arguments
            var env = ProcessInfo.processInfo.environment
            env.removeValue(forKey: "TOKENWARDEN_CONFIG")
            env.removeValue(forKey: "CREDENTIALS_DIRECTORY")
            env.removeValue(forKey: "STATE_DIRECTORY")
            env.removeValue(forKey: "NOTIFY_SOCKET")
            process.environment = env.merging(environment) { $1 }
            // Never a terminal: commands that would prompt must be told --yes.
            process.standardInput = FileHandle.nullDevice
            // Files, not pipes: the child can never block on a full pipe while the test waits for it.
            scratch = try TemporaryDirectory()
            outPath = try scratch.write("stdout", "")
            errPath = try scratch.write("stderr", "")
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
            try process.run()
        }

        /// What it has written to stderr so far.
        public var stderrSoFar: String { (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "" }

        /// Waits for it to end, off Swift's cooperative pool (see `offThePool`).
        public func wait() async throws -> Result {
            try await BuiltProduct.offThePool { try self.waitBlocking() }
        }

        func waitBlocking() throws -> Result {
            process.waitUntilExit()
            let stdout = try Data(contentsOf: URL(fileURLWithPath: outPath))
            let stderr = try Data(contentsOf: URL(fileURLWithPath: errPath))
            return Result(
                status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                stderr: String(decoding: stderr, as: UTF8.self),
                signal: process.terminationReason == .uncaughtSignal ? process.terminationStatus : nil,
                pid: process.processIdentifier)
        }
    }
}
