import Foundation

/// Replaces a file's content all at once: a temp file in the same directory, fsync, rename over the
/// target, fsync of the directory. A reader sees the old content or the new, never a torn mix, even
/// across a power cut. Written with POSIX calls because Foundation's `.atomic` write neither fsyncs
/// nor sets the mode and owner before the file becomes visible.
/// Once the rename has happened the new content is in place and readers may have it, so a failure
/// after it (flushing the directory) is returned as a warning, never thrown: a caller that took it for
/// a failed delivery would revoke a token whose secret its consumer already holds.
public enum AtomicFile {
    /// Writes `data` to `path`; returns what went wrong after the content was in place (`syncDirectory`
    /// is fsync(2), replaceable so a test can make it fail).
    @discardableResult
    public static func write(
        _ data: Data, to path: String, mode: Int, owner: (uid: uid_t, gid: gid_t)? = nil,
        syncDirectory: (Int32) -> Int32 = { fsync($0) }
    ) throws -> [String] {
        let directory = directory(of: path)
        let (fd, temporary) = try temporary(for: path, mode: mode, owner: owner)
        var renamed = false
        defer {
            if !renamed { unlink(temporary) }
        }
        do {
            defer { close(fd) }
            try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
                var offset = 0
                while offset < buffer.count {
                    let written = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw DeliveryError("cannot write \(temporary): \(DeliveryError.systemError())")
                    }
                    offset += written
                }
            }
            guard fsync(fd) == 0 else { throw DeliveryError("cannot flush \(temporary) to disk: \(DeliveryError.systemError())") }
        }
        guard rename(temporary, path) == 0 else {
            throw DeliveryError("cannot move the new file into place at \(path): \(DeliveryError.systemError())")
        }
        renamed = true
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directoryFD >= 0 else {
            return [
                "\(path) is in place, but \(directory) could not be opened to flush the rename to disk (\(DeliveryError.systemError())): a "
                    + "power cut now could bring the old file back"
            ]
        }
        defer { close(directoryFD) }
        guard syncDirectory(directoryFD) == 0 else {
            return [
                "\(path) is in place, but flushing \(directory) to disk failed (\(DeliveryError.systemError())): a power cut now could "
                    + "bring the old file back"
            ]
        }
        return []
    }

    /// The temporary file `write` fills, beside `path`: created with `mkstemp`, its mode and owner
    /// set on the descriptor before any byte, so the content is never readable by anyone else, even
    /// briefly. Removed again when a step fails. The delivery check (`SecretDeliverer.check`) makes
    /// one the same way, to find out before a token is created whether the real write can succeed.
    static func temporary(for path: String, mode: Int, owner: (uid: uid_t, gid: gid_t)?) throws -> (fd: Int32, path: String) {
        let directory = directory(of: path)
        let name = (path as NSString).lastPathComponent
        var template = Array("\(directory)/.\(name).tokenwarden-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw DeliveryError("cannot create a temporary file in \(directory): \(DeliveryError.systemError())") }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        do {
            guard fchmod(fd, mode_t(mode)) == 0 else {
                throw DeliveryError("cannot set mode 0\(String(mode, radix: 8)) on \(temporary): \(DeliveryError.systemError())")
            }
            if let owner, fchown(fd, owner.uid, owner.gid) != 0 {
                let code = errno
                throw DeliveryError(
                    "cannot give \(path) to uid \(owner.uid), gid \(owner.gid): \(DeliveryError.systemError(code)) "
                        + "(changing a file's owner needs CAP_CHOWN and the owner's uid mapped: under the shipped unit, add the "
                        + "deliver-owner drop-in the README shows)"
                )
            }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        return (fd, temporary)
    }

    /// The directory `path` is written in; a bare file name (`report --html tokens.html`) lives in
    /// the current directory.
    public static func directory(of path: String) -> String {
        let parent = (path as NSString).deletingLastPathComponent
        return parent.isEmpty ? "." : parent
    }
}
