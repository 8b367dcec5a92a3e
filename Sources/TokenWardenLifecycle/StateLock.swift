import Foundation

/// One tokenwarden at a time per state directory, held with `flock(2)`, which the kernel releases
/// when the holder dies, even by SIGKILL. Two locks, two files in the state directory:
/// - `daemon.lock`, exclusive for the daemon's whole life: a second daemon on the same state refuses
///   to start (`StateLockError`), so two never spend two action budgets or rotate one token twice;
/// - `cycle.lock`, held by the daemon's cycles (shared among them: one process, one budget) and
///   exclusively by an admin's command that polls or writes to a provider (`sync`, `revoke`,
///   `rotate`, `retry`, `rehearse`, `plan --refresh`), which waits for a running cycle to end.
/// Each file holds the PID of whoever took it last, for the message that names it.
public final class StateLock: Sendable {
    private let descriptor: Int32
    public let path: String

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit { close(descriptor) }

    /// The daemon's lock, taken at once or refused with the PID that holds it.
    public static func daemon(stateDirectory: String) throws -> StateLock {
        let path = stateDirectory + "/daemon.lock"
        let fd = try open(path)
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = pid(in: fd)
            close(fd)
            throw StateLockError(
                "another tokenwarden daemon\(holder.map { " (PID \($0))" } ?? "") already runs on the state directory \(stateDirectory); "
                    + "stop it first (`systemctl stop tokenwarden`), or give this one its own state_directory")
        }
        write(getpid(), to: fd)
        return StateLock(descriptor: fd, path: path)
    }

    /// The cycle lock: `shared` for the daemon's cycles, exclusive for an admin's command. Waits up
    /// to `patience` while someone else holds it, calling `waiting` once with their PID; nil when
    /// it was still held at the end.
    public static func cycle(
        stateDirectory: String, shared: Bool = false, patience: Duration, waiting: (Int32?) -> Void = { _ in }
    ) async throws -> StateLock? {
        let path = stateDirectory + "/cycle.lock"
        let fd = try open(path)
        let deadline = ContinuousClock.now + patience
        var told = false
        while flock(fd, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, ContinuousClock.now < deadline else {
                close(fd)
                return nil
            }
            if !told {
                waiting(pid(in: fd))
                told = true
            }
            do { try await Task.sleep(for: .milliseconds(200)) } catch {
                close(fd)
                throw error
            }
        }
        write(getpid(), to: fd)
        return StateLock(descriptor: fd, path: path)
    }

    /// The PID the lock file names, when it names one.
    public static func holder(stateDirectory: String, daemon: Bool) -> Int32? {
        let fd = Foundation.open(stateDirectory + (daemon ? "/daemon.lock" : "/cycle.lock"), O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
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
        let fd = Foundation.open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw StateLockError("cannot open the lock file \(path): \(String(cString: strerror(errno))) (errno \(errno))") }
        return fd
    }

    private static func write(_ pid: Int32, to fd: Int32) {
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

    public init(_ description: String) { self.description = description }
}
