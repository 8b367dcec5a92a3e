import Foundation
import TokenWardenCore

extension SecretDeliverer {
    /// Whether `delivery` can take a secret at all, checked before the successor is created, so an
    /// unusable target costs the provider nothing. For a file: the path is not a directory, and a
    /// trial file is made in its directory exactly as the delivery will make its temporary file
    /// (`mkstemp`, `fchmod`, and `fchown` to `deliver.owner`, which needs CAP_CHOWN), then removed.
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
            try trialWrite(in: directory, for: path, mode: delivery.mode, owner: try delivery.owner.map(Self.resolve))
        case .command(let argv):
            guard let program = argv.first, program.hasPrefix("/") else { return }
            guard access(program, X_OK) == 0 else {
                throw DeliveryError("cannot deliver through \(program): it cannot be run (\(DeliveryError.systemError()))")
            }
        }
    }

    /// Makes, and removes, an empty file in `directory` the way `AtomicFile` will.
    private func trialWrite(in directory: String, for path: String, mode: Int, owner: (uid: uid_t, gid: gid_t)?) throws {
        var template = Array("\(directory)/.tokenwarden-check-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw DeliveryError(
                "cannot deliver to \(path): uid \(geteuid()), which writes it, may not create files in \(directory) (\(DeliveryError.systemError()))"
            )
        }
        defer {
            close(fd)
            template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        }
        guard fchmod(fd, mode_t(mode)) == 0 else {
            throw DeliveryError("cannot deliver to \(path): cannot set mode 0\(String(mode, radix: 8)) there: \(DeliveryError.systemError())")
        }
        if let owner, fchown(fd, owner.uid, owner.gid) != 0 {
            throw DeliveryError(
                "cannot deliver to \(path): cannot give the file to uid \(owner.uid), gid \(owner.gid) (\(DeliveryError.systemError())); "
                    + "changing a file's owner needs CAP_CHOWN: under the shipped unit, add the deliver-owner drop-in the README shows")
        }
    }
}
