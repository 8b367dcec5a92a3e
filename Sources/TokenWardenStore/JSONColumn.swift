import Foundation
import TokenWardenCore
import TokenWardenJSON

/// JSON text in a column (scopes, extras, a rotation's delivery), with sorted keys so equal values
/// store equal text. One encoder and decoder for the process: making them per row was the main cost
/// of recording a page.
///
/// Every token row has a `[String]` and a `[String: String]`, and for those two shapes JSONEncoder
/// and JSONDecoder were still most of the cost of storing and of reading a token (perf on a 10k-token
/// sync, `make bench`), so they are written by hand here and read with `JSONReader`. The text is
/// JSONEncoder's (a test compares the two); anything the reader refuses goes to JSONDecoder, which
/// also reports what is wrong.
enum JSONColumn {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
    private static let decoder = JSONDecoder()

    static func encode<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try decoder.decode(type, from: Data(text.utf8))
    }

    static func encode(_ strings: [String]) -> String {
        var text = "["
        for (index, string) in strings.enumerated() {
            if index > 0 { text += "," }
            appendQuoted(string, to: &text)
        }
        return text + "]"
    }

    /// Row ids for `json_each`: SQL takes a list of values as one JSON array.
    static func encode(rowIDs integers: some Collection<Int64>) -> String {
        "[" + integers.map(String.init).joined(separator: ",") + "]"
    }

    static func encode(_ map: [String: String]) -> String {
        var text = "{"
        for (index, key) in map.keys.sorted().enumerated() {
            if index > 0 { text += "," }
            appendQuoted(key, to: &text)
            text += ":"
            appendQuoted(map[key]!, to: &text)
        }
        return text + "}"
    }

    static func decode(_ type: [String].Type, from text: String) throws -> [String] {
        let strings = try? JSONReader.read(Array(text.utf8)) { reader in
            var strings: [String] = []
            try reader.readArray { reader, _ in strings.append(try reader.readString()) }
            return strings
        }
        return try strings ?? decoder.decode(type, from: Data(text.utf8))
    }

    /// A key given twice goes to JSONDecoder too, which decides as it always did.
    static func decode(_ type: [String: String].Type, from text: String) throws -> [String: String] {
        let map = try? JSONReader.read(Array(text.utf8)) { reader -> [String: String]? in
            var map: [String: String] = [:]
            var repeated = false
            try reader.readObject { reader, key in repeated = try map.updateValue(reader.readString(), forKey: key) != nil || repeated }
            return repeated ? nil : map
        }
        return try map.flatMap { $0 } ?? decoder.decode(type, from: Data(text.utf8))
    }

    /// A JSON string literal as JSONEncoder writes it: `"` and `\` escaped, control characters as
    /// `\b \t \n \f \r` or `\u00XX`, everything else (`/` and non-ASCII included) as it is.
    private static func appendQuoted(_ string: String, to text: inout String) {
        text += "\""
        var plain = true
        for byte in string.utf8 where byte < 0x20 || byte == 0x22 || byte == 0x5C {
            plain = false
            break
        }
        if plain {
            text += string
        } else {
            for scalar in string.unicodeScalars {
                switch scalar {
                case "\"": text += "\\\""
                case "\\": text += "\\\\"
                case "\u{08}": text += "\\b"
                case "\u{09}": text += "\\t"
                case "\u{0A}": text += "\\n"
                case "\u{0C}": text += "\\f"
                case "\u{0D}": text += "\\r"
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: text.unicodeScalars.append(scalar)
                }
            }
        }
        text += "\""
    }
}
