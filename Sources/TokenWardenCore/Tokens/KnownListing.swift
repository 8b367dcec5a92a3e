import Foundation

/// What the inventory already holds of one provider's tokens, for a re-sync to recognise a token
/// whose listed bytes are the ones it stored last time (`ListingDigest`) without decoding them:
/// such a token's facts cannot have changed, so the listing only counts it as seen.
///
/// Holds only tokens stored `active` with a listing digest. One whose expiry is less than
/// `expiryMargin` away when its page is read is not recognised (decoded and compared instead), so
/// an expiry that passes during the listing is recorded by that listing as before.
/// It costs a dictionary entry per token for the listing's length: a 100k-token re-sync peaked
/// 2-3 MiB above the first sync (wait4's ru_maxrss, AWX and Planning Center, 2026-12-03).
public struct KnownListing: Sendable {
    /// One stored token: the digest of its id, its row, the digest of its bytes in the last
    /// listing, its expiry.
    public struct Entry: Sendable {
        let idDigest: UInt64
        let rowID: Int64
        let digest: UInt64
        /// Milliseconds since 1970; `Int64.max` for none.
        let expiresAt: Int64

        /// A row as the inventory stores it: the id's `ListingDigest`, the expiry in milliseconds.
        public init(idDigest: UInt64, rowID: Int64, digest: Int64, expiresAtMilliseconds: Int64?) {
            self.idDigest = idDigest
            self.rowID = rowID
            self.digest = UInt64(bitPattern: digest)
            self.expiresAt = expiresAtMilliseconds ?? .max
        }

        public init(id: String, rowID: Int64, digest: Int64, expiresAt: Date?) {
            self.init(idDigest: ListingDigest.of(id), rowID: rowID, digest: digest, expiresAtMilliseconds: expiresAt?.millisecondsSince1970)
        }
    }

    /// Tokens expiring sooner than this after their page is read are decoded, not recognised.
    public static let expiryMargin: TimeInterval = 3_600

    /// By the digest of the id; ids whose digests collide are left out (decoded).
    private let entries: [UInt64: Entry]
    private let now: @Sendable () -> Date

    /// A listing that knows nothing: every token is decoded (with no entry, no cutoff is ever used,
    /// so its clock is a constant: Core reads no clock of its own).
    public static let none = KnownListing([], now: { .distantPast })

    /// `entries`, in any order; `now` says when a page is read.
    public init(_ entries: [Entry], now: @escaping @Sendable () -> Date) {
        var table: [UInt64: Entry] = [:]
        table.reserveCapacity(entries.count)
        var colliding: Set<UInt64> = []
        for entry in entries where table.updateValue(entry, forKey: entry.idDigest) != nil { colliding.insert(entry.idDigest) }
        for key in colliding { table[key] = nil }
        (self.entries, self.now) = (table, now)
    }

    public var isEmpty: Bool { entries.isEmpty }
    public var count: Int { entries.count }

    /// The moment a page is read, as the cutoff `recognised` takes: now plus `expiryMargin`, in ms.
    public func pageCutoff() -> Int64 { now().addingTimeInterval(Self.expiryMargin).millisecondsSince1970 }

    /// The row of the stored token with this id whose listed bytes had this digest, if it does not
    /// expire before `cutoff` (`pageCutoff()`); nil means the token must be decoded.
    public func recognised(idDigest: UInt64, bytesDigest: UInt64, cutoff: Int64) -> Int64? {
        guard let entry = entries[idDigest], entry.digest == bytesDigest, entry.expiresAt > cutoff else { return nil }
        return entry.rowID
    }
}
