import Foundation
import GRDB

extension TokenStore {
    /// What a backup wrote.
    public struct BackupResult: Sendable, Hashable {
        public var bytes: Int64
        /// `PRAGMA quick_check` of the copy: "ok", or its first finding.
        public var check: String
    }

    /// Copies the database at `path` to `destination` with SQLite's online backup, as one read
    /// transaction: a consistent copy even while the daemon writes (WAL readers never block it).
    /// The copy is built in a private (0700) directory made beside `destination`, so nobody else
    /// who can write there can swap a name SQLite opens or plant a journal; it is made `0600`,
    /// checked with `quick_check`, flushed, and only a copy that passed is put at `destination`,
    /// which must not exist yet (a mistyped name never overwrites a file).
    /// Opened read-only without the migration check: a store of any schema version can be copied.
    public static func backup(databaseAt path: String, to destination: String) throws -> BackupResult {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError.missing(path: path) }
        let fail = { (reason: String) in StoreError.backupFailed(destination: destination, reason: reason) }
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw fail("it exists already; name a new file, or move the old one away")
        }
        let parent = (destination as NSString).deletingLastPathComponent
        let directory = parent.isEmpty ? "." : parent
        var template = Array("\(directory)/.tokenwarden-backup-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw fail("\(directory) is not an existing directory") }
            throw fail("uid \(geteuid()), which writes it, cannot create files in \(directory): \(String(cString: strerror(code)))")
        }
        let workspace = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { try? FileManager.default.removeItem(atPath: workspace) }
        let copyPath = workspace + "/copy.sqlite"
        let check: String
        do {
            let source = try DatabasePool(path: path, configuration: configuration(readonly: true))
            let copy = try DatabaseQueue(path: copyPath)
            guard chmod(copyPath, 0o600) == 0 else { throw fail("cannot make the copy private: \(String(cString: strerror(errno)))") }
            try source.backup(to: copy)
            // The copy stands alone: no write-ahead log beside it, so one file is the whole backup.
            try copy.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
            check = try copy.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check").prefix(3).joined(separator: "; ") }
            try copy.close()
            try source.close()
        } catch let error as DatabaseError {
            throw fail(error.message ?? "\(error)")
        }
        guard check == "ok" else { throw fail("the copy failed its check (\(check)): the database itself may be damaged") }
        let flush = Glibc.open(copyPath, O_RDONLY | O_CLOEXEC)
        if flush >= 0 {
            fsync(flush)
            close(flush)
        }
        // link() never replaces a file, whatever was put at the name meanwhile.
        guard link(copyPath, destination) == 0 else {
            let code = errno
            let hint =
                [EPERM, EOPNOTSUPP, EXDEV].contains(code)
                ? " (\(directory)'s file system has no hard links: back up to a local directory, then copy the file there)" : ""
            throw fail("cannot put it in place: \(String(cString: strerror(code)))\(hint)")
        }
        let directoryFD = Glibc.open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: destination)[.size] as? Int64) ?? 0
        return BackupResult(bytes: bytes, check: check)
    }
}
