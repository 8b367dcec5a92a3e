import Foundation
import Testing
import TokenWardenCore

@Suite struct KnownListingTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let clock: @Sendable () -> Date = { now }

    static func listing(_ tokens: [(String, KnownListing.Entry)]) -> KnownListing {
        KnownListing(tokens.map { (id: $0.0, entry: $0.1) }, clock: clock)
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
        let known = Self.listing([("17", .init(rowID: 3, digest: 7, expiresAt: expiresIn.map { Self.now + $0 }))])
        #expect(Self.recognised(known, "17", digest) == (recognised ? 3 : nil))
    }

    @Test func anUnknownIdIsNotRecognised() {
        let known = Self.listing([("17", .init(rowID: 3, digest: 7, expiresAt: nil))])
        #expect(Self.recognised(known, "18", 7) == nil)
        #expect(Self.recognised(known, "017", 7) == nil)
        #expect(Self.recognised(.none, "17", 7) == nil)
        #expect(KnownListing.none.isEmpty)
    }

    @Test func idsWhoseDigestsCollideAreLeftOutSoBothAreDecoded() {
        let key = ListingDigest.of("17")
        let known = KnownListing(
            digestedIDs: [
                (key, .init(rowID: 3, digest: 7, expiresAt: nil)), (key, .init(rowID: 4, digest: 9, expiresAt: nil)),
                (ListingDigest.of("18"), .init(rowID: 5, digest: 9, expiresAt: nil)),
            ],
            clock: Self.clock)
        #expect(known.count == 1)
        #expect(Self.recognised(known, "17", 7) == nil)
        #expect(Self.recognised(known, "17", 9) == nil)
        #expect(Self.recognised(known, "18", 9) == 5)
    }
}
