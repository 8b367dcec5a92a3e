import Synchronization

/// The tokens one listing has seen so far, as the row ids of their `token` rows: one bit each
/// (125 KB for a million rows), so a listing writes nothing for a token it finds unchanged, and
/// the tokens it did not see are found after it by one pass over the provider's row ids.
/// Why not a temporary table: inserting each sighting into one was 8% of a 100k-token re-sync's
/// CPU (perf, `--call-graph dwarf`), the largest part of recording an unchanged token.
/// Filled by `TokenStore.recordObservations` once a batch is committed, and by the poller with the
/// rows its driver recognised unchanged (`KnownListing`); a listing has one, used by one poll at a
/// time.
public final class ListingSightings: Sendable {
    private let bits = Mutex<(words: [UInt64], count: Int)>(([], 0))

    public init() {}

    /// How many distinct rows were seen.
    public var count: Int { bits.withLock { $0.count } }

    /// Sights these rows (repeats count once).
    public func insert(_ rowIDs: [Int64]) {
        bits.withLock { bits in
            for rowID in rowIDs where rowID >= 0 {
                let (word, bit) = (Int(rowID / 64), UInt64(1) << UInt64(rowID % 64))
                if word >= bits.words.count { bits.words += [UInt64](repeating: 0, count: max(word + 1 - bits.words.count, bits.words.count)) }
                if bits.words[word] & bit == 0 {
                    bits.words[word] |= bit
                    bits.count += 1
                }
            }
        }
    }

    func contains(_ rowID: Int64) -> Bool {
        bits.withLock { bits in
            let word = Int(rowID / 64)
            return rowID >= 0 && word < bits.words.count && bits.words[word] & (UInt64(1) << UInt64(rowID % 64)) != 0
        }
    }

    /// Every row id seen, in order.
    var rowIDs: [Int64] {
        bits.withLock { bits in
            var ids: [Int64] = []
            ids.reserveCapacity(bits.count)
            for (index, word) in bits.words.enumerated() where word != 0 {
                for bit in 0..<64 where word & (UInt64(1) << UInt64(bit)) != 0 { ids.append(Int64(index * 64 + bit)) }
            }
            return ids
        }
    }
}
