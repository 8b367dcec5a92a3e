import TokenWardenCore
import TokenWardenJSON

/// Reads a listing page's array of tokens, recognising those a re-sync stored unchanged: each
/// element is skimmed for its id and the digest of its bytes (`JSONReader.skimObject`, no string
/// built); a token `KnownListing` recognises is handed over as its row id, any other is decoded by
/// the driver and carries the digest for the store to keep.
///
/// Decoding every token (its strings, dates and `ObservedToken`) and looking each up in the store
/// was about half of a re-sync's CPU; skimming and digesting a token's ~400 bytes instead took a
/// 100k-token AWX re-sync from 13.5 to 10.2 µs a token (docs/benchmarks.md, third run).
enum ListedItems {
    /// Reads the array at the reader's position into `page`; `decode` reads one element and returns
    /// nil for one the listing leaves out (AWX's application tokens).
    static func read(
        _ reader: inout JSONReader, known: KnownListing, idField: [UInt8], into page: inout ListedPage,
        decode: (inout JSONReader) throws -> ObservedToken?
    ) throws {
        let cutoff = known.isEmpty ? 0 : known.pageCutoff()
        try reader.readArray { reader, _ in
            let start = reader.valueStart()
            var bytesDigest: UInt64?
            if !known.isEmpty {
                // A malformed element is read again by `decode`, whose error names the field.
                do {
                    let id = try reader.skimObject(findingField: idField)
                    let digest = reader.withBytes(in: start..<reader.offset, ListingDigest.of)
                    if let id, let row = known.recognised(idDigest: reader.withBytes(in: id, ListingDigest.of), bytesDigest: digest, cutoff: cutoff) {
                        page.unchanged.append(row)
                        return
                    }
                    bytesDigest = digest
                } catch {}
                reader.rewind(to: start)
            }
            guard var token = try decode(&reader) else { return }
            token.listingDigest = Int64(bitPattern: bytesDigest ?? reader.withBytes(in: start..<reader.offset, ListingDigest.of))
            page.tokens.append(token)
        }
    }
}
