import Foundation

/// A fresh directory under the system temp dir for one test, removed when the value is released.
/// Tests write real files (configs, credentials, databases) here instead of mocking the file system.
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String

    public init() throws {
        let template = NSTemporaryDirectory() + "tokenwarden-test-XXXXXX"
        var bytes = Array(template.utf8CString)
        guard let created = mkdtemp(&bytes) else { throw CocoaError(.fileWriteUnknown) }
        path = String(cString: created)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `content` to `name` (creating intermediate directories) with `mode`, returning the full path.
    @discardableResult
    public func write(_ name: String, _ content: String, mode: Int = 0o644) throws -> String {
        let file = path + "/" + name
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true)
        try Data(content.utf8).write(to: URL(fileURLWithPath: file))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file)
        return file
    }

    public func subpath(_ name: String) -> String { path + "/" + name }
}
