import Foundation
import GRDB
import GRDBSQLite
import Testing
import TokenWardenCore
import TokenWardenTestSupport

@testable import TokenWardenStore

/// What `releaseMemory()` frees, read from SQLite itself: the idle daemon's RSS depends on it, and
/// RSS is too noisy to check in a test process, but SQLite's own per-connection count is exact.
@Suite struct TokenStoreMemoryTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    /// Bytes of the writer connection's page cache (`SQLITE_DBSTATUS_CACHE_USED`).
    static func writerCacheBytes(_ store: TokenStore) throws -> Int32 {
        try store.writer.writeWithoutTransaction { db in
            var current: Int32 = 0
            var highest: Int32 = 0
            #expect(sqlite3_db_status(db.sqliteConnection, SQLITE_DBSTATUS_CACHE_USED, &current, &highest, 0) == SQLITE_OK)
            return current
        }
    }

    @Test func releasingMemoryEmptiesTheWritersPageCacheAndKeepsTheData() throws {
        let dir = try TemporaryDirectory()
        let store = try TokenStore.open(path: dir.subpath("tokenwarden.sqlite"))
        try store.registerProviders([ProviderConfig(id: "awx", kind: .awx, baseURL: "https://awx", credential: .systemd(name: "a"))], at: Self.t0)
        let tokens = (1...3_000).map { ObservedToken(id: String($0), name: "token \($0) of a listing large enough to fill pages", owner: "dave") }
        try store.recordObservations(tokens, provider: "awx", at: Self.t0)
        let filled = try Self.writerCacheBytes(store)
        #expect(filled > 100_000, "3,000 tokens should leave well over 100 kB of pages cached, not \(filled)")

        store.releaseMemory()
        let released = try Self.writerCacheBytes(store)
        #expect(released < filled / 10, "cache \(filled) bytes before, \(released) after")

        #expect(try store.tokenCounts()[.active] == 3_000)
        try store.recordObservations([ObservedToken(id: "3001", name: "after")], provider: "awx", at: Self.t0 + 60)
        #expect(try store.token(provider: "awx", id: "3001")?.name == "after")
    }
}
