import Foundation
import Testing

@testable import TokenWardenStore

/// The hand-written scopes/extras columns must read and write exactly what JSONEncoder and
/// JSONDecoder would, so rows written before and after the change compare equal.
struct JSONColumnTests {
    static let strings: [[String]] = [
        [], ["read"], ["read", "write"], ["a/b", "ü ☃ 😀", "quote \" and \\ backslash"],
        ["tab\tnew\nline\r", "\u{01}\u{1F}\u{08}\u{0C}", "\u{7F} del", ""],
    ]
    static let maps: [[String: String]] = [
        [:], ["user_id": "42"], ["b": "2", "a": "1", "B": "3", "a10": "x", "a2": "y", "_": "z"],
        ["owner": "ü \"q\" \\ /", "ctl": "\u{02}\n"],
    ]

    static func reference<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test(arguments: strings)
    func scopesAreWrittenAsJSONEncoderWritesThemAndReadBack(_ value: [String]) throws {
        let text = JSONColumn.encode(value)
        #expect(text == (try Self.reference(value)))
        #expect(try JSONColumn.decode([String].self, from: text) == value)
    }

    @Test(arguments: maps)
    func extrasAreWrittenAsJSONEncoderWritesThemAndReadBack(_ value: [String: String]) throws {
        let text = JSONColumn.encode(value)
        #expect(text == (try Self.reference(value)))
        #expect(try JSONColumn.decode([String: String].self, from: text) == value)
    }

    @Test func textTheFastReaderDoesNotExpectIsStillReadOrRejected() throws {
        #expect(try JSONColumn.decode([String].self, from: #" [ "a\u00e9" , "b" ] "#) == ["aé", "b"])
        #expect(try JSONColumn.decode([String: String].self, from: #"{"k":"\ud83d\ude00"}"#) == ["k": "😀"])
        #expect(throws: (any Error).self) { try JSONColumn.decode([String].self, from: #"["a" "b"]"#) }
        #expect(throws: (any Error).self) { try JSONColumn.decode([String: String].self, from: #"{"a":1}"#) }
        #expect(throws: (any Error).self) { try JSONColumn.decode([String].self, from: "") }
    }
}
