import Foundation
import TokenWardenCore

extension SecretDeliverer {
    /// Whether `delivery` can take a secret at all, checked before the successor is created, so an
    /// unusable target costs the provider nothing: a file's directory exists, is a directory, and
    /// this process (the one that will write it) may create files there, and its `deliver.owner`
    /// resolves; a command's program exists and may be run. Throws a `DeliveryError` saying which.
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
            guard access(directory, W_OK | X_OK) == 0 else {
                throw DeliveryError(
                    "cannot deliver to \(path): uid \(geteuid()), which writes it, may not create files in \(directory) "
                        + "(\(DeliveryError.systemError()))")
            }
            if let owner = delivery.owner { _ = try Self.resolve(owner) }
        case .command(let argv):
            guard let program = argv.first, program.hasPrefix("/") else { return }
            guard access(program, X_OK) == 0 else {
                throw DeliveryError("cannot deliver through \(program): it cannot be run (\(DeliveryError.systemError()))")
            }
        }
    }
}
