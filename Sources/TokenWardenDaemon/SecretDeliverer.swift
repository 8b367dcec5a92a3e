import Dispatch
import Foundation
import TokenWardenCore

/// Puts a new secret where a rotate rule says: an atomic 0600 file, or a program's standard input.
/// Both are idempotent from tokenwarden's side, so a delivery interrupted by a crash is simply repeated.
public struct SecretDeliverer: Sendable {
    /// What the delivery is about, given to a command as `TOKENWARDEN_*` environment variables.
    public struct Facts: Sendable {
        public var provider: String
        public var tokenName: String
        public var oldTokenID: String
        public var newTokenID: String
        public var fingerprint: String
        public var rule: String?
    }

    public init() {
        // A command that exits without reading its input must fail the delivery, not kill tokenwarden.
        signal(SIGPIPE, SIG_IGN)
    }

    /// Delivers, or throws when the consumer does not have the secret; returns warnings about a
    /// delivery that did reach it (a file in place whose directory could not be flushed).
    @discardableResult
    public func deliver(_ secret: Secret, as delivery: Delivery, facts: Facts) async throws -> [String] {
        switch delivery.target {
        case let .file(path):
            return try AtomicFile.write(Data(secret.reveal().utf8), to: path, mode: delivery.mode, owner: try delivery.owner.map(Self.resolve))
        case let .command(argv):
            try await run(argv, input: secret, environment: environment(for: facts), timeout: delivery.timeout)
            return []
        }
    }

    /// `PATH` and the facts, nothing inherited: the daemon's environment may name its own credentials.
    func environment(for facts: Facts) -> [String: String] {
        var environment = [
            "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "TOKENWARDEN_PROVIDER": facts.provider,
            "TOKENWARDEN_TOKEN_NAME": facts.tokenName,
            "TOKENWARDEN_TOKEN_ID": facts.newTokenID,
            "TOKENWARDEN_OLD_TOKEN_ID": facts.oldTokenID,
            "TOKENWARDEN_FINGERPRINT": facts.fingerprint,
        ]
        if let rule = facts.rule { environment["TOKENWARDEN_RULE"] = rule }
        return environment
    }

    /// Runs `argv` with the secret on standard input; exit 0 within `timeout` is success. Its output is
    /// read and dropped, never quoted or stored: a program may echo the secret in forms no scrubbing
    /// can know (encoded, split, partial).
    func run(_ argv: [String], input secret: Secret, environment: [String: String], timeout: TimeSpan) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: "/")
        let stdin = Pipe(), output = Pipe()
        process.standardInput = stdin
        process.standardOutput = output
        process.standardError = output
        let collected = OutputDrain()
        let exited = ExitSignal()
        process.terminationHandler = { _ in exited.fire() }
        do {
            try process.run()
        } catch {
            throw DeliveryError("cannot start \(argv[0]): \((error as NSError).localizedDescription)")
        }
        let pid = process.processIdentifier
        // Read on a thread of its own until the pipe closes, so a talkative program never blocks on a
        // full pipe. Not a Dispatch global queue: on Linux its threads also run Swift's executor.
        let reader = output.fileHandleForReading
        Thread {
            while case let chunk = reader.availableData, !chunk.isEmpty { _ = chunk }
            collected.finish()
        }.start()
        do {
            try stdin.fileHandleForWriting.write(contentsOf: Data(secret.reveal().utf8))
        } catch {
            // The program closed its input early; its exit status tells what happened.
        }
        try? stdin.fileHandleForWriting.close()
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + timeout.timeInterval)
        timer.setEventHandler {
            exited.markTimedOut()
            kill(pid, SIGTERM)
            DispatchQueue.global().asyncAfter(deadline: .now() + 2) { kill(pid, SIGKILL) }
        }
        timer.resume()
        await exited.wait()
        timer.cancel()
        // Output written just before exit may still be in flight; a program that left a child holding
        // the pipe is not waited for.
        await collected.waitForEnd(upTo: .milliseconds(500))
        let quoted = "; its output is not kept, since it may hold the secret: run it by hand to see what it says"
        if exited.timedOut {
            throw DeliveryError("\(argv[0]) did not finish within \(timeout) and was stopped\(quoted)")
        }
        switch process.terminationReason {
        case .exit where process.terminationStatus == 0: return
        case .exit: throw DeliveryError("\(argv[0]) exited with status \(process.terminationStatus)\(quoted)")
        case .uncaughtSignal: throw DeliveryError("\(argv[0]) was killed by signal \(process.terminationStatus)\(quoted)")
        @unknown default: throw DeliveryError("\(argv[0]) ended abnormally\(quoted)")
        }
    }

    /// `user` or `user:group` to ids; a user alone gets its primary group.
    static func resolve(_ owner: String) throws -> (uid: uid_t, gid: gid_t) {
        let parts = owner.split(separator: ":").map(String.init)
        guard let user = getpwnam(parts[0]) else { throw DeliveryError("deliver.owner: there is no user \"\(parts[0])\" on this system") }
        var gid = user.pointee.pw_gid
        if parts.count == 2 {
            guard let group = getgrnam(parts[1]) else { throw DeliveryError("deliver.owner: there is no group \"\(parts[1])\" on this system") }
            gid = group.pointee.gr_gid
        }
        return (user.pointee.pw_uid, gid)
    }
}

/// Whether a command's output has ended (it is read and dropped on a thread of its own).
private final class OutputDrain: @unchecked Sendable {
    private let lock = NSLock()
    private var ended = false

    func finish() { lock.withLock { ended = true } }

    func waitForEnd(upTo limit: Duration) async {
        let deadline = ContinuousClock.now + limit
        while !lock.withLock({ ended }), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}

/// A process exit, awaited without holding a thread of Swift's cooperative pool.
private final class ExitSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var fired = false
    private var waiter: CheckedContinuation<Void, Never>?
    private var expired = false

    func fire() {
        let continuation: CheckedContinuation<Void, Never>? = lock.withLock {
            fired = true
            defer { waiter = nil }
            return waiter
        }
        continuation?.resume()
    }

    func wait() async {
        await withCheckedContinuation { continuation in
            let done = lock.withLock {
                if fired { return true }
                waiter = continuation
                return false
            }
            if done { continuation.resume() }
        }
    }

    func markTimedOut() { lock.withLock { expired = true } }
    var timedOut: Bool { lock.withLock { expired } }
}
