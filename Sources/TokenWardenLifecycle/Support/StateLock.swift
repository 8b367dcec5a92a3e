import Foundation

/// One tokenwarden at a time per state directory, held with `flock(2)`, which the kernel releases
/// when the holder dies, even by SIGKILL. Three lock files in the state directory:
/// - `daemon.lock`, exclusive for the daemon's whole life: a second daemon on the same state refuses
///   to start (`StateLockError`), so two never spend two action budgets or rotate one token twice;
/// - `cycle.lock`, held by the daemon's cycles (shared among them: one process, one budget) and
///   exclusively by an admin's command that polls or writes to a provider (`sync`, `revoke`,
///   `rotate`, `rehearse`, `plan --refresh`), which waits for running cycles to end;
/// - `intent.lock`, which a command holds exclusively from the moment it starts waiting: a cycle
///   takes it shared only for the instant of starting, so while a command waits no new cycle
///   starts, and overlapping cycles of many providers cannot starve it.
/// Each file holds the PID of whoever took it last, for the message that names it.
public final class StateLock: Sendable {
    private let descriptors: [Int32]

    private init(descriptors: [Int32]) { self.descriptors = descriptors }

    deinit { for descriptor in descriptors { close(descriptor) } }

    /// The daemon's lock, taken at once or refused with the PID that holds it.
    public static func daemon(stateDirectory: String) throws -> StateLock {
        let path = stateDirectory + "/daemon.lock"
        let fd = try open(path)
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = pid(in: fd)
            close(fd)
            throw StateLockError(
                "another tokenwarden daemon\(holder.map { " (PID \($0))" } ?? "") already runs on the state directory \(stateDirectory); "
                    + "stop it first (`systemctl stop tokenwarden`), or give this one its own state_directory", held: true)
        }
        write(getpid(), to: fd)
        return StateLock(descriptors: [fd])
    }

    /// The cycle lock: `shared` for the daemon's cycles, exclusive (with the intent lock) for an
    /// admin's command. Waits up to `patience` while someone else holds it, calling `waiting` once
    /// with their PID; nil when it was still held at the end.
    public static func cycle(
        stateDirectory: String, shared: Bool = false, patience: Duration, waiting: (Int32?) -> Void = { _ in }
    ) async throws -> StateLock? {
        let deadline = ContinuousClock.now + patience
        var told = false
        let tell: (Int32) -> Void = { fd in
            if !told { waiting(pid(in: fd)) }
            told = true
        }
        let intent = try open(stateDirectory + "/intent.lock")
        guard try await take(intent, shared ? LOCK_SH : LOCK_EX, until: deadline, waiting: tell) else {
            close(intent)
            return nil
        }
        let cycle: Int32
        do { cycle = try open(stateDirectory + "/cycle.lock") } catch {
            close(intent)
            throw error
        }
        guard try await take(cycle, shared ? LOCK_SH : LOCK_EX, until: deadline, waiting: tell) else {
            close(intent)
            close(cycle)
            return nil
        }
        write(getpid(), to: cycle)
        // A cycle lets go of the intent at once: it only had to get past a waiting command.
        if shared {
            close(intent)
            return StateLock(descriptors: [cycle])
        }
        return StateLock(descriptors: [intent, cycle])
    }

    /// Takes `operation` on `fd`, retrying every 200 ms until `deadline`; false when it never came.
    private static func take(_ fd: Int32, _ operation: Int32, until deadline: ContinuousClock.Instant, waiting: (Int32) -> Void) async throws
        -> Bool
    {
        while flock(fd, operation | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, ContinuousClock.now < deadline else { return false }
            waiting(fd)
            try await Task.sleep(for: .milliseconds(200))
        }
        return true
    }

    /// The PID the lock file names, when it names one.
    public static func holder(stateDirectory: String, daemon: Bool) -> Int32? {
        // O_NONBLOCK: a FIFO put at the name must not hang the command that reads it.
        let fd = Foundation.open(
            stateDirectory + (daemon ? "/daemon.lock" : "/cycle.lock"), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return pid(in: fd)
    }

    private static func open(_ path: String) throws -> Int32 {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        } catch {
            throw StateLockError("cannot create the state directory \(directory): \((error as NSError).localizedDescription)")
        }
        // O_NOFOLLOW: whoever can write the state directory must not point the lock at another file.
        var fd = Foundation.open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0o644)
        // A lock file another user left (root's `tokenwarden daemon` by hand): flock needs no write
        // access, so it still serves, without the PID.
        if fd < 0 && errno == EACCES { fd = Foundation.open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK) }
        guard fd >= 0 else { throw StateLockError("cannot open the lock file \(path): \(String(cString: strerror(errno))) (errno \(errno))") }
        return fd
    }

    /// Writes the PID into a lock file this process owns outright: a regular file with one link,
    /// ours, so a hard link planted at the name never gets some other file truncated.
    private static func write(_ pid: Int32, to fd: Int32) {
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_nlink == 1, info.st_uid == geteuid() else { return }
        let text = Array("\(pid)\n".utf8)
        guard ftruncate(fd, 0) == 0 else { return }
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    private static func pid(in fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 16)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer.prefix(count), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// Why a lock on the state directory could not be had, for the admin.
public struct StateLockError: Error, Sendable, CustomStringConvertible {
    public let description: String
    /// Another process holds it (exit 2 for a second daemon); false for a file that cannot be used.
    public let held: Bool

    public init(_ description: String, held: Bool = false) {
        self.description = description
        self.held = held
    }
}
