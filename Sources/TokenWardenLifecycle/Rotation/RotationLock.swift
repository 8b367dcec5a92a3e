import Foundation

/// One process at a time carries rotations: the daemon's cycle and an admin's `tokenwarden rotate`
/// must never both drive the same one (one could revoke the token the other is delivering).
/// An `flock` on `<spool>/.lock`, which the kernel releases when the holder dies, even by SIGKILL.
public final class RotationLock: Sendable {
    private let descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    deinit { close(descriptor) }

    /// Takes the lock, trying for up to `patience`; nil when another process still holds it.
    public static func acquire(spool: SecretSpool, patience: Duration = .zero) async throws -> RotationLock? {
        do {
            try FileManager.default.createDirectory(
                atPath: spool.directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw DeliveryError("cannot create the rotation spool \(spool.directory): \((error as NSError).localizedDescription)")
        }
        let path = spool.directory + "/.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw DeliveryError("cannot open the rotation lock \(path): \(DeliveryError.systemError())") }
        let deadline = ContinuousClock.now + patience
        while true {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return RotationLock(descriptor: fd) }
            guard errno == EWOULDBLOCK || errno == EINTR, ContinuousClock.now < deadline else { break }
            do { try await Task.sleep(for: .milliseconds(100)) } catch {
                close(fd)
                throw error
            }
        }
        close(fd)
        return nil
    }
}
