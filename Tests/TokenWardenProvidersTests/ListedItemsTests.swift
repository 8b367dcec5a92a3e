import Foundation
import Testing
import TokenWardenCore
import TokenWardenJSON

@testable import TokenWardenProviders

/// Reading a listing's array with what the inventory knows: recognised tokens come back as rows,
/// the others decoded with the digest of their bytes.
@Suite struct ListedItemsTests {
    static let elements = [#"{"id":1,"name":"a"}"#, #"{"name":"b","id":"2"}"#, #"{"id":3,"name":"c"}"#]
    static let page = "[" + elements.joined(separator: " , ") + "]"

    static func digest(_ text: String) -> Int64 { Int64(bitPattern: ListingDigest.of(text)) }

    static func decode(_ reader: inout JSONReader) throws -> ObservedToken? {
        var id: String?
        var name = ""
        try reader.readObject { reader, key in
            switch key {
            case "id": id = try reader.readNull() ? nil : (try? reader.readString()) ?? String(reader.readInt())
            case "name": name = try reader.readString()
            default: try reader.skipValue()
            }
        }
        return id.map { ObservedToken(id: $0, name: name) }
    }

    static func read(_ text: String, known: KnownListing) throws -> ListedPage {
        var page = ListedPage()
        try JSONReader.read(Array(text.utf8)) { reader in
            try ListedItems.read(&reader, known: known, idField: Array("id".utf8), into: &page, decode: decode)
        }
        return page
    }

    static func known(_ tokens: [(String, Int64, Int64)]) -> KnownListing {
        KnownListing(tokens.map { KnownListing.Entry(id: $0.0, rowID: $0.2, digest: $0.1, expiresAt: nil) }, now: { Date() })
    }

    @Test func knowingNothingDecodesEveryTokenWithItsBytesDigest() throws {
        let page = try Self.read(Self.page, known: .none)
        #expect(page.tokens.map(\.id) == ["1", "2", "3"])
        #expect(page.tokens.map(\.listingDigest) == Self.elements.map(Self.digest))
        #expect(page.unchanged.isEmpty)
    }

    @Test func recognisedTokensAreRowsAndTheRestAreDecoded() throws {
        let known = Self.known([("1", Self.digest(Self.elements[0]), 10), ("2", Self.digest(Self.elements[1]), 20), ("3", 99, 30)])
        let page = try Self.read(Self.page, known: known)
        #expect(page.unchanged == [10, 20])
        #expect(page.tokens.map(\.id) == ["3"], "its bytes differ from the stored digest")
        #expect(page.tokens.first?.listingDigest == Self.digest(Self.elements[2]))
    }

    @Test func aMalformedTokenFailsWithTheFieldNamedWhetherOrNotTheListingKnowsTokens() throws {
        let page = #"[{"id":1,"name":"a"},{"id":2,"name":[1,}]"#
        for known in [KnownListing.none, Self.known([("1", Self.digest(Self.elements[0]), 10)])] {
            #expect {
                try Self.read(page, known: known)
            } throws: { error in
                error is DecodingError && String(describing: error).contains("Path: [1].name.")
            }
        }
    }
}
