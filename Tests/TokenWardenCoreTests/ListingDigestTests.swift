import Foundation
import Testing
import TokenWardenCore

@Suite struct ListingDigestTests {
    static func digest(_ text: String) -> UInt64 { ListingDigest.of(text) }

    @Test func aStoredDigestIsTheSameInEveryRun() {
        // Stored in the inventory and compared by the next process: fixed inputs, fixed values,
        // computed apart from this code, with Python.
        #expect(Self.digest("") == 0x4f8c_09fd_b8da_b4af)
        #expect(Self.digest("123") == 0x7810_5526_9393_3725)
        #expect(Self.digest(#"{"id":1,"description":"ci-build-1"}"#) == 0x8aab_eebb_12eb_883e)
    }

    static let token = #"{"id":17,"description":"deploy","user":4,"expires":"3025-01-19T08:00:04.000000Z","scope":"read"}"#

    /// Every single-byte change, at every offset (the first word, the last, the tail), changes it.
    @Test func everyChangedByteChangesIt() {
        let bytes = Array(Self.token.utf8)
        let original = bytes.withUnsafeBufferPointer(ListingDigest.of)
        for offset in bytes.indices {
            var changed = bytes
            changed[offset] ^= 0x01
            #expect(changed.withUnsafeBufferPointer(ListingDigest.of) != original, "byte \(offset)")
        }
    }

    @Test func aLongerOrShorterTextDiffers() {
        #expect(Self.digest("12") != Self.digest("12\0"))
        #expect(Self.digest("12345678") != Self.digest("123456789"))
        #expect(Self.digest(Self.token) != Self.digest(String(Self.token.dropLast())))
    }

    @Test func aTextAndItsBytesGiveTheSameDigest() {
        let id = "PAT-ünï-42"
        #expect(Array(id.utf8).withUnsafeBufferPointer(ListingDigest.of) == ListingDigest.of(id))
    }
}
