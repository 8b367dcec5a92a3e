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
    /// The copy is made under a temporary name in the destination's directory, created `0600`
    /// before any byte is written, checked with `quick_check`, flushed, then linked to
    /// `destination`, which must not exist yet (a mistyped name never overwrites a file).
    /// Opened read-only without the migration check: a store of any schema version can be copied.
    public static func backup(databaseAt path: String, to destination: String) throws -> BackupResult {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError.missing(path: path) }
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw StoreError.backupFailed(destination: destination, reason: "it exists already; name a new file, or move the old one away")
        }
        let directory = (destination as NSString).deletingLastPathComponent.isEmpty ? "." : (destination as NSString).deletingLastPathComponent
        var template = Array("\(directory)/.\((destination as NSString).lastPathComponent).partial-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw StoreError.backupFailed(
                destination: destination, reason: "cannot create a file in \(directory) as uid \(geteuid()): \(String(cString: strerror(errno)))")
        }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer {
            unlink(temporary)
            for suffix in ["-wal", "-shm", "-journal"] { unlink(temporary + suffix) }
        }
        fchmod(fd, 0o600)
        close(fd)
        let check: String
        do {
            let source = try DatabasePool(path: path, configuration: configuration(readonly: true))
            var copyConfiguration = Configuration()
            copyConfiguration.journalMode = .default
            let copy = try DatabaseQueue(path: temporary, configuration: copyConfiguration)
            try source.backup(to: copy)
            // The copy stands alone: no write-ahead log beside it, so one file is the whole backup.
            try copy.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
            check = try copy.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check").prefix(3).joined(separator: "; ") }
            try copy.close()
            try source.close()
        } catch let error as DatabaseError {
            throw StoreError.backupFailed(destination: destination, reason: error.message ?? "\(error)")
        }
        let flush = Glibc.open(temporary, O_RDONLY | O_CLOEXEC)
        if flush >= 0 {
            fsync(flush)
            close(flush)
        }
        guard link(temporary, destination) == 0 else {
            throw StoreError.backupFailed(destination: destination, reason: "cannot put it in place: \(String(cString: strerror(errno)))")
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
