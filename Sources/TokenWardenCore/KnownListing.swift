import Foundation

/// What the inventory already holds of one provider's tokens, for a re-sync to recognise a token
/// whose listed bytes are the ones it stored last time (`ListingDigest`) without decoding them:
/// such a token's facts cannot have changed, so the listing only counts it as seen.
///
/// Holds only tokens stored `active` with a listing digest. One whose expiry is less than
/// `expiryMargin` away when its page is read is not recognised (decoded and compared instead), so
/// an expiry that passes during the listing is recorded by that listing as before.
public struct KnownListing: Sendable {
    /// One stored token: its row, the digest of its bytes in the last listing, its expiry.
    public struct Entry: Sendable {
        let rowID: Int64
        let digest: UInt64
        /// Milliseconds since 1970; `Int64.max` for none.
        let expiresAt: Int64

        public init(rowID: Int64, digest: Int64, expiresAt: Date?) {
            self.init(rowID: rowID, digest: digest, expiresAtMilliseconds: expiresAt?.millisecondsSince1970)
        }

        /// The expiry as the inventory stores it: milliseconds since 1970.
        public init(rowID: Int64, digest: Int64, expiresAtMilliseconds: Int64?) {
            self.rowID = rowID
            self.digest = UInt64(bitPattern: digest)
            self.expiresAt = expiresAtMilliseconds ?? .max
        }
    }

    /// Tokens expiring sooner than this after their page is read are decoded, not recognised.
    public static let expiryMargin: TimeInterval = 3_600

    /// By `ListingDigest` of the token id; ids whose digests collide are left out (decoded).
    private let entries: [UInt64: Entry]
    private let clock: @Sendable () -> Date

    /// A listing that knows nothing: every token is decoded.
    public static let none = KnownListing(entries: [:], clock: { Date() })

    private init(entries: [UInt64: Entry], clock: @escaping @Sendable () -> Date) {
        self.entries = entries
        self.clock = clock
    }

    /// `tokens` by the `ListingDigest` of their provider ids; `clock` says when a page is read.
    public init(digestedIDs tokens: some Sequence<(idDigest: UInt64, entry: Entry)>, clock: @escaping @Sendable () -> Date) {
        var entries: [UInt64: Entry] = [:]
        entries.reserveCapacity(tokens.underestimatedCount)
        var colliding: Set<UInt64> = []
        for (key, entry) in tokens where entries.updateValue(entry, forKey: key) != nil { colliding.insert(key) }
        for key in colliding { entries[key] = nil }
        self.init(entries: entries, clock: clock)
    }

    /// `tokens` by their provider ids.
    public init(_ tokens: some Sequence<(id: String, entry: Entry)>, clock: @escaping @Sendable () -> Date) {
        self.init(digestedIDs: tokens.map { (ListingDigest.of($0.id), $0.entry) }, clock: clock)
    }

    public var isEmpty: Bool { entries.isEmpty }
    public var count: Int { entries.count }

    /// The moment a page is read, as the cutoff `recognised` takes: now plus `expiryMargin`, in ms.
    public func pageCutoff() -> Int64 { clock().addingTimeInterval(Self.expiryMargin).millisecondsSince1970 }

    /// The row of the stored token with this id whose listed bytes had this digest, if it does not
    /// expire before `cutoff` (`pageCutoff()`); nil means the token must be decoded.
    public func recognised(idDigest: UInt64, bytesDigest: UInt64, cutoff: Int64) -> Int64? {
        guard let entry = entries[idDigest], entry.digest == bytesDigest, entry.expiresAt > cutoff else { return nil }
        return entry.rowID
    }
}
