import Foundation
import GRDB
import TokenWardenCore

extension TokenStore {
    /// What a listing of `provider` can recognise without decoding (`KnownListing`): its tokens
    /// stored active, not revoked, with the digest of their bytes in the listing that wrote them.
    /// One pass over the provider's rows through SQLite's C API; the ids are digested in place.
    /// `NOT INDEXED`: through `token_census` SQLite found the provider's active rows and then each
    /// row in index order, at random in the table: 0.22 s for 100k tokens against 0.04 s reading
    /// the table in order (sqlite3 shell, a 100k AWX store); with several providers a scan reads
    /// the others' rows too, still in file order.
    /// Read on GRDB's reader queue: the task waits without holding a Swift concurrency thread.
    public func knownListing(provider: String, now: @escaping @Sendable () -> Date) async throws -> KnownListing {
        try await writer.read { db in
            var entries: [KnownListing.Entry] = []
            // The last listing's count: the array and the table grow once.
            entries.reserveCapacity(try Int.fetchOne(db, sql: "SELECT token_count FROM provider WHERE id = ?", arguments: [provider]) ?? 0)
            var rows = DirectStatement(
                try db.cachedStatement(
                    sql: """
                        SELECT token_id, rowid, listing_digest, expires_at FROM token NOT INDEXED
                        WHERE provider_id = ? AND state = 'active' AND NOT revoked AND listing_digest IS NOT NULL
                        """))
            rows.bind(provider)
            try rows.forEachRow { row in
                entries.append(
                    KnownListing.Entry(
                        idDigest: row.withText(0, ListingDigest.of), rowID: row.int64(1), digest: row.int64(2),
                        expiresAtMilliseconds: row.isNull(3) ? nil : row.int64(3)))
            }
            return KnownListing(entries, now: now)
        }
    }
}
