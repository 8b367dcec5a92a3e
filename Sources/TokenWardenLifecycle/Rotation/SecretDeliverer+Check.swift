import Foundation
import TokenWardenCore

extension SecretDeliverer {
    /// Whether `delivery` can take a secret at all, checked before the successor is created, so an
    /// unusable target costs the provider nothing. For a file: the path is not a directory, and a
    /// trial file is made in its directory exactly as the delivery makes its temporary file
    /// (`AtomicFile.temporary`: `mkstemp`, `fchmod`, `fchown` to `deliver.owner`), then removed.
    /// For a command: its program exists and may be run. Throws a `DeliveryError` saying which.
    /// It cannot promise the delivery: the consumer may still refuse, or the disk fill, later.
    public func check(_ delivery: Delivery) throws {
        switch delivery.target {
        case .file(let path):
            let directory = AtomicFile.directory(of: path)
            var info = stat()
            guard stat(directory, &info) == 0 else {
                throw DeliveryError("cannot deliver to \(path): its directory \(directory) cannot be used: \(DeliveryError.systemError())")
            }
            guard info.st_mode & S_IFMT == S_IFDIR else { throw DeliveryError("cannot deliver to \(path): \(directory) is not a directory") }
            if stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
                throw DeliveryError("cannot deliver to \(path): it is a directory; name the file the secret goes in")
            }
            // A trial of the real write's first steps, removed at once.
            do {
                let (fd, trial) = try AtomicFile.temporary(for: path, mode: delivery.mode, owner: try delivery.owner.map(Self.resolve))
                close(fd)
                unlink(trial)
            } catch {
                throw DeliveryError("cannot deliver to \(path): \(error)")
            }
        case .ownCredential:
            // The state directory, which every cycle writes already.
            return
        case .command(let argv):
            guard let program = argv.first, program.hasPrefix("/") else { return }
            guard access(program, X_OK) == 0 else {
                throw DeliveryError("cannot deliver through \(program): it cannot be run (\(DeliveryError.systemError()))")
            }
        }
    }
}
