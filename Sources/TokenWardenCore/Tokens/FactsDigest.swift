import Foundation

/// A 64-bit digest of a token's facts as the inventory keeps them (strings, dates to the millisecond,
/// the revoked flag): a listing compares it with the stored one to skip an unchanged token without
/// reading its row. Equal facts always give equal digests; different facts collide with odds of
/// about 2⁻⁶⁴ per change, and a collision only hides that change from the history until the
/// token's facts change again.
///
/// Hand-written FNV-1a rather than Swift's `Hasher`: `Hasher` is seeded anew in every process, and
/// this value is stored and compared across runs. It is not collision-resistant against a chosen
/// input; the provider, who chooses these facts, can as well report whatever facts it likes.
public struct FactsDigest: Sendable {
    private var state: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x0000_0100_0000_01b3

    public init() {}

    /// The digest, as SQLite's INTEGER stores it.
    public var value: Int64 { Int64(bitPattern: state) }

    private mutating func add(byte: UInt8) {
        state ^= UInt64(byte)
        state &*= Self.prime
    }

    mutating func add(_ integer: UInt64) {
        var rest = integer
        for _ in 0..<8 {
            add(byte: UInt8(truncatingIfNeeded: rest))
            rest >>= 8
        }
    }

    /// A string, length first: ("ab", "c") and ("a", "bc") differ.
    mutating func add(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            add(UInt64(bytes.count))
            for byte in bytes { add(byte: byte) }
        }
    }

    mutating func add(_ text: String?) {
        guard let text else { return add(byte: 0) }
        add(byte: 1)
        add(text)
    }

    /// An instant at the millisecond precision the inventory keeps, or its absence.
    mutating func add(_ date: Date?) {
        guard let date else { return add(byte: 0) }
        add(byte: 1)
        add(UInt64(bitPattern: date.millisecondsSince1970))
    }

    mutating func add(_ flag: Bool) { add(byte: flag ? 1 : 0) }

    mutating func add(_ strings: [String]) {
        add(UInt64(strings.count))
        for string in strings { add(string) }
    }

    /// A map in key order, so equal maps give equal digests whatever their storage order.
    mutating func add(_ map: [String: String]) {
        add(UInt64(map.count))
        guard !map.isEmpty else { return }
        for (key, value) in map.sorted(by: { $0.key < $1.key }) {
            add(key)
            add(value)
        }
    }

    /// The digest of one token's facts; `Token.factsDigest` and `ObservedToken.factsDigest` both come here.
    static func of(
        name: String, owner: String?, scopes: [String], createdAt: Date?, expiresAt: Date?, lastUsedAt: Date?, revoked: Bool,
        extras: [String: String]
    ) -> Int64 {
        var digest = FactsDigest()
        digest.add(name)
        digest.add(owner)
        digest.add(scopes)
        digest.add(createdAt)
        digest.add(expiresAt)
        digest.add(lastUsedAt)
        digest.add(revoked)
        digest.add(extras)
        return digest.value
    }
}
