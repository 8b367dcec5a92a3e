import Foundation
import Testing
import TokenWardenCore

@testable import TokenWardenProviders

/// `JSONReader` replaces `JSONDecoder` on the listing pages: it must accept and refuse the same
/// documents as Foundation, read the same values, and say where a page went wrong.
@Suite struct JSONReaderTests {
    /// Whether the reader accepts `text` as one JSON value (every part read or skipped).
    static func readerAccepts(_ text: String) -> Bool {
        (try? JSONReader.read(Array(text.utf8)) { try $0.skipValue() }) != nil
    }

    static func foundationAccepts(_ text: String) -> Bool {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) != nil
    }

    @Test(arguments: [
        #"{}"#, #"[]"#, #" { "a" : [ 1 , -2.5e+3 , 0.0 , true , false , null , "x" ] } "#, #""\u00e9\ud83d\ude00\n\t\\\/\"""#,
        #"{"a":{"b":{"c":[[],[{}]]}}}"#, #"-0"#, #"1E5"#, #"[1,2,3]"#, #""ünïcødé ✓""#,
        #"{"a":1,}"#, #"[1,]"#,  // trailing commas: not RFC 8259, but JSONDecoder and JSONSerialization accept them
        // refused by both
        #"[1,,2]"#, #"[,]"#, #"{,}"#, #"{"a" 1}"#, #"{a:1}"#, #"[01]"#, #"[1.]"#, #"[.5]"#, #"[1e]"#, #"[+1]"#, #"tru"#, #"nul"#,
        #""\ud83d""#, #""\ude00""#, #""\x""#, #""\u12g4""#, "\"a\u{01}b\"", #""open"#, #"[1 2]"#, #"{"a":1} x"#, #""#, #"["#,
        #"{"a":1"#, #"[1"#, #"NaN"#, #"'a'"#,
    ])
    func acceptsAndRefusesWhatFoundationDoes(_ text: String) {
        #expect(Self.readerAccepts(text) == Self.foundationAccepts(text), "\(text)")
    }

    @Test func refusesInvalidUTF8AndHostileNesting() {
        var bytes = Array(#"["a"#.utf8)
        bytes += [0xC3, 0x28]  // a broken two-byte sequence
        bytes += Array(#""]"#.utf8)
        #expect((try? JSONReader.read(bytes) { try $0.skipValue() }) == nil)
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(!Self.readerAccepts(deep))
        let fine = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(Self.readerAccepts(fine))
    }

    @Test func readsStringsWithEscapesExactly() throws {
        let texts = ["plain", "quote \" and \\ slash /", "tab\tnew\nline\r", "é ünï 日本語 😀", "\u{08}\u{0C}", ""]
        for text in texts {
            let json = try JSONSerialization.data(withJSONObject: [text], options: [])
            let read = try JSONReader.read(Array(json)) { reader in
                var values: [String] = []
                try reader.readArray { reader, _ in values.append(try reader.readString()) }
                return values
            }
            #expect(read == [text])
        }
        let escaped = try JSONReader.read(Array(#""\u0041\u00e9\ud83d\ude00\/""#.utf8)) { try $0.readString() }
        #expect(escaped == "Aé😀/")
    }

    @Test func readsIntegersAndRefusesFractionsAndOverflow() throws {
        #expect(try JSONReader.read(Array("-42".utf8)) { try $0.readInt() } == -42)
        #expect(try JSONReader.read(Array("9223372036854775807".utf8)) { try $0.readInt() } == Int.max)
        for text in ["1.5", "1e3", "9223372036854775808", "\"1\"", "true"] {
            #expect(throws: DecodingError.self, "\(text)") { try JSONReader.read(Array(text.utf8)) { try $0.readInt() } }
        }
    }

    @Test func aLeadingFieldIsReadWithoutReadingWhatFollowsIt() throws {
        // Whatever follows the field is left for the full read: here it is not even JSON.
        let page = Array(#"{"count":2,"next":"/api/v2/tokens/?page=2","results":[{"id":1}, oops"#.utf8)
        #expect(try JSONReader.readLeadingField("next", of: page) { try $0.readOptionalString() } == "/api/v2/tokens/?page=2")
        #expect(throws: DecodingError.self) { try JSONReader.read(page) { try $0.skipValue() } }

        let last = Array(#"{"count":2,"next":null,"results":[]}"#.utf8)
        #expect(try JSONReader.readLeadingField("next", of: last) { try $0.readOptionalString() } == .some(nil))
        let without = Array(#"{"count":2,"results":[{"id":1,"next":"not this one"}]}"#.utf8)
        #expect(try JSONReader.readLeadingField("next", of: without) { try $0.readOptionalString() } == nil)
    }

    @Test func aLeadingFieldInABrokenPrefixIsAnErrorWithItsPath() throws {
        #expect(throws: DecodingError.self) { try JSONReader.readLeadingField("next", of: Array(#"[1,2]"#.utf8)) { try $0.readOptionalString() } }
        #expect(throws: DecodingError.self) {
            try JSONReader.readLeadingField("next", of: Array(#"{"count":2 "next":null}"#.utf8)) { try $0.readOptionalString() }
        }
        #expect {
            try JSONReader.readLeadingField("next", of: Array(#"{"next":42,"results":[]}"#.utf8)) { try $0.readOptionalString() }
        } throws: { error in
            guard case .typeMismatch(_, let context) = error as? DecodingError else { return false }
            return context.codingPath.map(\.stringValue) == ["next"]
        }
    }

    @Test func errorsCarryTheCodingPath() throws {
        let page = #"{"next":null,"results":[{"id":1},{"id":"two"}]}"#
        #expect {
            try JSONReader.read(Array(page.utf8)) { reader in
                try reader.readObject { reader, key in
                    guard key == "results" else { return try reader.skipValue() }
                    try reader.readArray { reader, _ in _ = try AWXDriver.Item(reading: &reader) }
                }
            }
        } throws: { error in
            guard case .typeMismatch(_, let context) = error as? DecodingError else { return false }
            return ProviderConnection.describe(error as! DecodingError) == "expected Int at .results[1].id"
                && context.codingPath.count == 3
        }
    }

    // MARK: The listing readers against JSONDecoder, on generated pages

    /// The AWX item as the driver decoded it before, with `JSONDecoder`.
    struct DecodedItem: Decodable, Equatable {
        struct Summary: Decodable, Equatable {
            struct User: Decodable, Equatable { let username: String? }
            let user: User?
        }
        let id: Int
        let description: String?
        let user: Int?
        let summary_fields: Summary?
        let created: String?
        let expires: String?
        let scope: String?
        let application: Int?
    }

    static func randomText(_ rng: inout SeededGenerator) -> Any {
        let pieces = ["ci", "-", "é", "😀", "\"", "\\", "/", "\n", "\u{01}", "日本", " ", "token", "\u{7F}"]
        if Int.random(in: 0..<6, using: &rng) == 0 { return NSNull() }
        return (0..<Int.random(in: 0...5, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
    }

    static func randomAWXItem(_ rng: inout SeededGenerator) -> [String: Any] {
        var item: [String: Any] = ["id": Int.random(in: -5...Int(Int32.max), using: &rng)]
        let keys = ["description", "created", "expires", "scope", "modified", "user", "application", "summary_fields", "related", "token"]
        for key in keys where Int.random(in: 0..<5, using: &rng) > 0 {
            switch key {
            case "user", "application":
                item[key] = Bool.random(using: &rng) ? NSNull() as Any : Int.random(in: 0...999, using: &rng)
            case "summary_fields":
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: item[key] = NSNull()
                case 1: item[key] = ["application": ["id": 3, "name": "x"]] as [String: Any]
                case 2: item[key] = ["user": NSNull()] as [String: Any]
                default: item[key] = ["user": ["id": 7, "username": randomText(&rng), "first_name": "A"]] as [String: Any]
                }
            case "related":
                item[key] = ["user": "/api/v2/users/1/", "nested": [[1, 2.5, true, false, NSNull()], ["k": "v"]]] as [String: Any]
            case "token": item[key] = "************"
            default: item[key] = randomText(&rng)
            }
        }
        return item
    }

    @Test func theAWXReaderReadsWhatJSONDecoderDecoded() throws {
        var rng = SeededGenerator(seed: 6)
        for _ in 0..<40 {
            let items = (0..<Int.random(in: 0...60, using: &rng)).map { _ in Self.randomAWXItem(&rng) }
            let body = try JSONSerialization.data(withJSONObject: ["count": items.count, "next": NSNull(), "results": items])
            let expected = try JSONDecoder().decode(
                [String: [DecodedItem]].self,
                from: try JSONSerialization.data(withJSONObject: ["results": items]))["results"]!
            let read = try JSONReader.read(Array(body)) { reader in
                var read: [AWXDriver.Item] = []
                try reader.readObject { reader, key in
                    guard key == "results" else { return try reader.skipValue() }
                    try reader.readArray { reader, _ in read.append(try AWXDriver.Item(reading: &reader)) }
                }
                return read
            }
            #expect(read.count == expected.count)
            for (item, decoded) in zip(read, expected) {
                #expect(
                    item.id == decoded.id && item.description == decoded.description && item.user == decoded.user
                        && item.username == decoded.summary_fields?.user?.username && item.created == decoded.created
                        && item.expires == decoded.expires && item.scope == decoded.scope && item.application == decoded.application)
            }
        }
    }

    @Test func aWronglyTypedFieldFailsBothWays() throws {
        for bad in [["id": "1"], ["id": 1, "description": 5], ["id": 1, "summary_fields": ["user": ["username": 3]]], ["description": "no id"]]
            as [[String: Any]]
        {
            let body = try JSONSerialization.data(withJSONObject: ["results": [bad]])
            #expect((try? JSONDecoder().decode([String: [DecodedItem]].self, from: body)) == nil)
            #expect(throws: DecodingError.self) {
                try JSONReader.read(Array(body)) { reader in
                    try reader.readObject { reader, _ in try reader.readArray { reader, _ in _ = try AWXDriver.Item(reading: &reader) } }
                }
            }
        }
    }
}
