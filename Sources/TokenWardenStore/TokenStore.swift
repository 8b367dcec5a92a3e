import Foundation
import GRDB
import TokenWardenCore

/// tokenwarden's inventory, history and audit trail, in one SQLite database.
/// One value wrapping a GRDB writer (GRDB's AppDatabase pattern): every write is an intention-named method.
public struct TokenStore: Sendable {
    let writer: any DatabaseWriter

    /// Wraps an open database and brings its schema up to date.
    public init(_ writer: any DatabaseWriter) throws {
        self.writer = writer
        try Self.migrator.migrate(writer)
    }

    init(unmigrated writer: any DatabaseWriter) { self.writer = writer }

    /// A private in-memory database, for tests and dry runs.
    public static func inMemory() throws -> TokenStore {
        try TokenStore(DatabaseQueue(configuration: configuration(readonly: false)))
    }

    /// Opens (creating if needed) the database at `path` for the daemon and acting commands:
    /// WAL, a busy timeout, foreign keys, `PRAGMA quick_check` (unless `checking` is false: the
    /// daemon checks after `READY=1`), then migrations.
    /// `quick_check` finds damaged pages and records but does not compare indexes with their tables;
    /// `integrity_check` also does, and took 10.8 s on a 680 MB store (1M tokens with history)
    /// against 1.8 s, in front of every start and every acting command.
    public static func open(path: String, checking: Bool = true) throws(StoreError) -> TokenStore {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        } catch {
            throw .unavailable(path: path, detail: "cannot create its directory \(directory): \((error as NSError).localizedDescription)")
        }
        return try translatingErrors(path: path) {
            let pool = try DatabasePool(path: path, configuration: configuration(readonly: false))
            if checking, let verdict = try pool.read(quickCheck) { throw StoreError.damaged(path: path, detail: verdict) }
            let store = try TokenStore(pool)
            if checking { try store.recordCheck(passed: true, detail: "ok", at: Date()) }
            return store
        }
    }

    /// Frees what SQLite keeps between uses: each connection's page cache, and the idle reader
    /// connections (reopened by the next read). The daemon calls it when no cycle is running.
    public func releaseMemory() {
        if let pool = writer as? DatabasePool { pool.releaseMemory() } else if let queue = writer as? DatabaseQueue { queue.releaseMemory() }
    }

    /// Runs `PRAGMA quick_check`; throws `StoreError.damaged` with its first findings.
    /// Blocks for as long as the check reads the whole file (seconds on a large store).
    public func check() throws(StoreError) {
        let verdict = try Self.translatingErrors(path: writer.path) { try writer.read(Self.quickCheck) }
        try record(verdict)
    }

    /// `check()` for the daemon: the read runs on GRDB's reader queue, and the task waits without
    /// holding one of Swift's few concurrency threads for the seconds a large file takes.
    public func check() async throws(StoreError) {
        let verdict: String?
        do { verdict = try await writer.read(Self.quickCheck) } catch { throw Self.translate(error, path: writer.path) }
        try record(verdict)
    }

    /// `PRAGMA quick_check`'s verdict: nil for "ok", else its first findings.
    private static func quickCheck(_ db: Database) throws -> String? {
        let problems = try String.fetchAll(db, sql: "PRAGMA quick_check")
        return problems == ["ok"] ? nil : "quick check: " + problems.prefix(3).joined(separator: "; ")
    }

    /// Keeps a check's verdict for `status`, and throws a damaged one.
    private func record(_ verdict: String?) throws(StoreError) {
        try? recordCheck(passed: verdict == nil, detail: verdict ?? "ok", at: Date())
        if let verdict { throw .damaged(path: writer.path, detail: verdict) }
    }

    /// Opens an existing database for reading only (the CLI's `tokens`, `show`, `history`): never creates
    /// or migrates it, so a look at the inventory cannot change it.
    public static func openReadOnly(path: String) throws(StoreError) -> TokenStore {
        guard FileManager.default.fileExists(atPath: path) else { throw .missing(path: path) }
        return try translatingErrors(path: path) {
            let pool = try DatabasePool(path: path, configuration: configuration(readonly: true))
            try pool.read { db in
                if try migrator.hasBeenSuperseded(db) { throw StoreError.newerSchema(path: path) }
                if try !migrator.hasCompletedMigrations(db) {
                    throw StoreError.incompleteSchema(
                        path: path, applied: try migrator.appliedIdentifiers(db).count, total: migrator.migrations.count)
                }
            }
            return TokenStore(unmigrated: pool)
        }
    }

    /// The size the write-ahead log is cut back to once a checkpoint has emptied it (SQLite's
    /// `journal_size_limit`). Without it the file keeps the size of the largest transaction for as
    /// long as the daemon runs: 112 MiB after the `discoveryIsFirstSeen` migration of a 1M-token
    /// store (sqlite3 by hand). A sync's batches stay under it: the log peaked at 7.8 MiB during a
    /// 100k-token AWX first sync, 4.4 MiB for Planning Center (sampled every 2 ms).
    static let walSizeLimit = 16 << 20

    static func configuration(readonly: Bool) -> GRDB.Configuration {
        var configuration = GRDB.Configuration()
        configuration.label = "tokenwarden"
        configuration.readonly = readonly
        configuration.foreignKeysEnabled = true
        // The daemon and an admin's CLI command may touch the file at once; wait rather than fail.
        configuration.busyMode = .timeout(5)
        if !readonly {
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA journal_size_limit = \(walSizeLimit)") }
        }
        return configuration
    }

    /// Maps SQLite failures to `StoreError`s an admin can act on.
    static func translatingErrors<T>(path: String, _ body: () throws -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch {
            throw translate(error, path: path)
        }
    }

    static func translate(_ error: any Error, path: String) -> StoreError {
        switch error {
        case let error as StoreError:
            return error
        case let error as DatabaseError:
            switch error.resultCode {
            case .SQLITE_NOTADB, .SQLITE_CORRUPT:
                return .damaged(path: path, detail: error.message ?? "not a database")
            case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY, .SQLITE_AUTH:
                return .unavailable(path: path, detail: "\(error.message ?? "cannot open") (check the file's owner and mode)")
            case .SQLITE_FULL:
                return .unavailable(path: path, detail: "the disk is full")
            default:
                return .unavailable(path: path, detail: error.message ?? "\(error.resultCode)")
            }
        default:
            return .unavailable(path: path, detail: "\(error)")
        }
    }
}
