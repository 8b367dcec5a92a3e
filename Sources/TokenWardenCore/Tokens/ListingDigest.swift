/// A 64-bit digest of the bytes a listing page spent on one token, and of a token id's text: a
/// re-sync compares it with the one stored for the token to skip decoding a token whose bytes have
/// not changed since the last listing (`KnownListing`).
///
/// Hand-written rather than Swift's `Hasher` for the reason `FactsDigest` gives (stored across
/// runs), and eight bytes a step rather than FNV-1a's one: a token is 200–600 bytes, and the
/// digest is taken of every listed token.
/// Equal bytes always give equal digests; a collision between a token's old and new bytes would
/// hide that change until the bytes change again or the row is next written. Like `FactsDigest`,
/// it is not collision-resistant against chosen input: the provider, who writes these bytes, can
/// as well report whatever facts it likes. It is taken of listing objects, which carry no secret
/// (AWX lists `token` as `************`; Planning Center's list has none).
public enum ListingDigest {
    private static let seed: UInt64 = 0x9e37_79b9_7f4a_7c15
    private static let multiplier: UInt64 = 0xff51_afd7_ed55_8ccd

    /// The digest of `bytes`.
    public static func of(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var state = seed ^ UInt64(bytes.count)
        let raw = UnsafeRawBufferPointer(bytes)
        var offset = 0
        while offset + 8 <= raw.count {
            state = mix(state ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian)
            offset += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while offset < raw.count {
            tail |= UInt64(raw[offset]) << shift
            shift += 8
            offset += 1
        }
        return finish(mix(state ^ tail))
    }

    /// The digest of a text's UTF-8 bytes: a stored token id, compared with the id's bytes in a page.
    public static func of(_ text: String) -> UInt64 {
        var text = text
        return text.withUTF8 { of($0) }
    }

    private static func mix(_ value: UInt64) -> UInt64 {
        let product = value &* multiplier
        return product ^ (product >> 29)
    }

    /// MurmurHash3's 64-bit finalizer, so that every input bit reaches every output bit.
    private static func finish(_ value: UInt64) -> UInt64 {
        var value = value
        value ^= value >> 33
        value &*= 0xff51_afd7_ed55_8ccd
        value ^= value >> 33
        value &*= 0xc4ce_b9fe_1a85_ec53
        value ^= value >> 33
        return value
    }
}
