import Foundation

/// JSON text in a column (scopes, extras, a rotation's delivery), with sorted keys so equal values
/// store equal text. One encoder and decoder for the process: making them per row was the main cost
/// of recording a page.
///
/// Every token row has a `[String]` and a `[String: String]`, and for those two shapes JSONEncoder
/// and JSONDecoder were still most of the cost of storing and of reading a token (perf on a 10k-token
/// sync, `make bench`), so they are written and read by hand here. The text is JSONEncoder's (a test
/// compares the two); anything the hand reader does not expect goes to JSONDecoder, which also
/// reports what is wrong.
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
        var reader = FlatJSONReader(text)
        if let strings = reader.strings() { return strings }
        return try decoder.decode(type, from: Data(text.utf8))
    }

    static func decode(_ type: [String: String].Type, from text: String) throws -> [String: String] {
        var reader = FlatJSONReader(text)
        if let map = reader.map() { return map }
        return try decoder.decode(type, from: Data(text.utf8))
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

/// Reads the two flat shapes `JSONColumn` writes: an array of strings, an object of strings.
/// Returns nil on anything else (`\u` escapes included), for JSONDecoder to read or reject.
private struct FlatJSONReader {
    let bytes: [UInt8]
    var index = 0

    init(_ text: String) { bytes = Array(text.utf8) }

    mutating func strings() -> [String]? {
        guard take(UInt8(ascii: "[")) else { return nil }
        var strings: [String] = []
        if take(UInt8(ascii: "]")) { return end() ? strings : nil }
        repeat {
            guard let string = string() else { return nil }
            strings.append(string)
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "]")) && end() ? strings : nil
    }

    mutating func map() -> [String: String]? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var map: [String: String] = [:]
        if take(UInt8(ascii: "}")) { return end() ? map : nil }
        repeat {
            guard let key = string(), take(UInt8(ascii: ":")), let value = string(), map.updateValue(value, forKey: key) == nil else { return nil }
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "}")) && end() ? map : nil
    }

    private mutating func skipSpace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        skipSpace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func end() -> Bool {
        skipSpace()
        return index == bytes.count
    }

    private mutating func string() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        var decoded: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(validating: decoded, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { return nil }
                let escaped = bytes[index]
                index += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(escaped)
                case UInt8(ascii: "b"): decoded.append(0x08)
                case UInt8(ascii: "t"): decoded.append(0x09)
                case UInt8(ascii: "n"): decoded.append(0x0A)
                case UInt8(ascii: "f"): decoded.append(0x0C)
                case UInt8(ascii: "r"): decoded.append(0x0D)
                default: return nil
                }
            case 0..<0x20:
                return nil
            default:
                decoded.append(byte)
            }
        }
        return nil
    }
}
