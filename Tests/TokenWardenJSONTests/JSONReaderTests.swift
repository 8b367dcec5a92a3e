import Foundation
import Testing
import TokenWardenJSON

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

    @Test func readsBooleansAndRefusesLookAlikes() throws {
        #expect(try JSONReader.read(Array(" true".utf8)) { try $0.readBool() })
        #expect(try !JSONReader.read(Array("false".utf8)) { try $0.readBool() })
        #expect(try JSONReader.read(Array("null".utf8)) { try $0.readOptionalBool() } == nil)
        for text in ["1", "\"true\"", "tru", "nul", "True"] {
            #expect(throws: DecodingError.self, "\(text)") { try JSONReader.read(Array(text.utf8)) { try $0.readOptionalBool() } }
        }
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

}
