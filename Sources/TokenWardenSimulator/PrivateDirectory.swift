import Foundation

/// The directory `simulate` and `demo` write credentials and a config into, made safe on a shared
/// host: a directory that does not exist is created 0700; an existing one must be a real directory
/// (not a symbolic link) of this user that nobody else can write into; files are created anew with
/// `O_EXCL | O_NOFOLLOW`, so nothing planted there (a link to another file) is followed.
/// With no directory given, a fresh one comes from `mkdtemp`: a predictable /tmp name could be
/// taken by another user first.
public struct PrivateDirectory: Sendable {
    public let path: String

    /// A fresh directory under the system temp directory, named `prefix` and six random characters.
    public static func fresh(prefix: String) throws -> PrivateDirectory {
        var template = Array((NSTemporaryDirectory() + prefix + "-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw SimulatorError(description: "cannot create a directory in \(NSTemporaryDirectory()): \(String(cString: strerror(errno)))")
        }
        return PrivateDirectory(verified: String(cString: made))
    }

    /// `path`, created 0700 when missing, checked when it exists.
    public init(_ path: String) throws {
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw SimulatorError(description: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        var info = stat()
        guard lstat(path, &info) == 0 else { throw SimulatorError(description: "cannot examine \(path): \(String(cString: strerror(errno)))") }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw SimulatorError(description: "\(path) is not a directory (a symbolic link is not followed); name a new or private directory")
        }
        guard info.st_uid == geteuid(), info.st_mode & 0o022 == 0 else {
            throw SimulatorError(description: "\(path) belongs to another user or others may write into it; name a new or private directory")
        }
        self.path = path
    }

    private init(verified path: String) { self.path = path }

    /// Creates `name` (a file directly in this directory) with `content` and `mode`, replacing a
    /// regular file of an earlier run; anything else in its place is refused.
    @discardableResult
    public func create(_ name: String, _ content: String, mode: mode_t = 0o600) throws -> String {
        let file = path + "/" + name
        var info = stat()
        if lstat(file, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFREG else {
                throw SimulatorError(description: "\(file) exists and is not a regular file; not replacing it")
            }
            unlink(file)
        }
        let fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw SimulatorError(description: "cannot create \(file): \(String(cString: strerror(errno)))") }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        try handle.write(contentsOf: Data(content.utf8))
        return file
    }
}
