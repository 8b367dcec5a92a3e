import Foundation
import Testing
import TokenWardenCore

@Suite struct KnownListingTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let clock: @Sendable () -> Date = { now }

    static func entry(_ id: String, row: Int64, digest: Int64, expiresIn: TimeInterval? = nil) -> KnownListing.Entry {
        KnownListing.Entry(id: id, rowID: row, digest: digest, expiresAt: expiresIn.map { now + $0 })
    }

    static func recognised(_ known: KnownListing, _ id: String, _ digest: Int64) -> Int64? {
        known.recognised(idDigest: ListingDigest.of(id), bytesDigest: UInt64(bitPattern: digest), cutoff: known.pageCutoff())
    }

    @Test(
        arguments: [
            // (the stored expiry from now, the listed digest, recognised)
            (nil, 7, true),
            (nil, 8, false),  // other bytes
            (86_400.0, 7, true),
            (KnownListing.expiryMargin + 1, 7, true),
            (KnownListing.expiryMargin, 7, false),  // expires within the margin: decoded, so the expiry is recorded
            (60.0, 7, false),
            (-60.0, 7, false),
        ] as [(TimeInterval?, Int64, Bool)])
    func aTokenIsRecognisedOnlyWithTheSameBytesAndNoExpiryNear(expiresIn: TimeInterval?, digest: Int64, recognised: Bool) {
        let known = KnownListing([Self.entry("17", row: 3, digest: 7, expiresIn: expiresIn)], now: Self.clock)
        #expect(Self.recognised(known, "17", digest) == (recognised ? 3 : nil))
    }

    @Test func anUnknownIdIsNotRecognised() {
        let known = KnownListing([Self.entry("17", row: 3, digest: 7)], now: Self.clock)
        #expect(Self.recognised(known, "18", 7) == nil)
        #expect(Self.recognised(known, "017", 7) == nil)
        #expect(Self.recognised(.none, "17", 7) == nil)
        #expect(KnownListing.none.isEmpty)
    }

    @Test func idsWhoseDigestsCollideAreLeftOutSoBothAreDecoded() {
        let key = ListingDigest.of("17")
        let known = KnownListing(
            [
                KnownListing.Entry(idDigest: key, rowID: 3, digest: 7, expiresAtMilliseconds: nil),
                Self.entry("18", row: 5, digest: 9),
                KnownListing.Entry(idDigest: key, rowID: 4, digest: 9, expiresAtMilliseconds: nil),
            ], now: Self.clock)
        #expect(known.count == 1)
        #expect(Self.recognised(known, "17", 7) == nil)
        #expect(Self.recognised(known, "17", 9) == nil)
        #expect(Self.recognised(known, "18", 9) == 5)
    }

    /// Every entry is found among many, whatever the leading bits of its id's digest.
    @Test(arguments: [1, 2, 3, 1_000, 65_537])
    func everyEntryIsFoundAmongMany(count: Int) {
        let known = KnownListing((0..<count).map { Self.entry("id-\($0)", row: Int64($0), digest: Int64($0) * 31) }, now: Self.clock)
        #expect(known.count == count)
        var found = 0
        for index in 0..<count where Self.recognised(known, "id-\(index)", Int64(index) * 31) == Int64(index) { found += 1 }
        #expect(found == count)
        #expect(Self.recognised(known, "id-\(count)", Int64(count) * 31) == nil)
    }
}
