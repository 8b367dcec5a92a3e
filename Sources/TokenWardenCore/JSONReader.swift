/// A forward-only reader of one JSON document (RFC 8259, plus trailing commas): the caller walks
/// objects and arrays and reads the fields it wants, skipping the rest.
/// Why hand-written rather than `JSONDecoder`: it reads the listing pages of every poll and the JSON
/// columns of every stored token. `JSONDecoder` first maps the whole document, then builds a keyed
/// container (a dictionary of every key) for each object; a 200-token AWX page took 2.6 ms that way,
/// most of a sync's decoding time. Everything else (create and error bodies, the smaller providers)
/// still uses `JSONDecoder`. Errors are `DecodingError`s with the coding path, so messages read the
/// same either way.
public struct JSONReader {
    private let bytes: [UInt8]
    private var position = 0
    private var depth = 0

    /// Deeper nesting than this is refused rather than risking the stack on a hostile body.
    public static let maximumDepth = 256

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Reads a whole document with `read` and checks nothing but whitespace follows it.
    public static func read<T>(_ bytes: [UInt8], _ read: (inout JSONReader) throws -> T) throws -> T {
        var reader = JSONReader(bytes)
        let value = try read(&reader)
        reader.skipWhitespace()
        guard reader.position == reader.bytes.count else { throw reader.corrupted("text after the JSON value") }
        return value
    }

    /// Reads the value of the top-level object's first `key` field with `read`, and stops there;
    /// nil when the object has no such field. Nothing after that value is read or checked, so the
    /// caller must read the whole document later: for an envelope field ahead of a long list (AWX
    /// puts `next` before `results`), found without scanning the list twice.
    public static func readLeadingField<T>(_ key: String, of bytes: [UInt8], _ read: (inout JSONReader) throws -> T) throws -> T? {
        var reader = JSONReader(bytes)
        var value: T?
        do {
            try reader.readObject { reader, field in
                guard field == key else { return try reader.skipValue() }
                value = try read(&reader)
                throw LeadingFieldFound()
            }
        } catch is LeadingFieldFound {}
        return value
    }

    /// Ends `readLeadingField`'s walk once the field is read.
    private struct LeadingFieldFound: Error {}

    // MARK: Structure

    /// Reads an object, calling `field` once per key in document order; `field` must read or skip
    /// the value. A key's problems are reported at that key.
    public mutating func readObject(_ field: (inout JSONReader, String) throws -> Void) throws {
        try enter(opening: UInt8(ascii: "{"), expected: [String: Any].self)
        defer { depth -= 1 }
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            position += 1
            return
        }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw corrupted("expected a key in quotes") }
            let key = try scanString()
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw corrupted("expected ':' after a key") }
            position += 1
            do {
                try field(&self, key)
            } catch let error as DecodingError {
                throw Self.prefixing(error, with: PathKey(stringValue: key))
            }
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"):
                position += 1
                return
            default: throw corrupted("expected ',' or '}' in an object")
            }
            if closes(with: UInt8(ascii: "}")) { return }
        }
    }

    /// Reads an array, calling `element` with each index; `element` must read or skip the value.
    public mutating func readArray(_ element: (inout JSONReader, Int) throws -> Void) throws {
        try enter(opening: UInt8(ascii: "["), expected: [Any].self)
        defer { depth -= 1 }
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            position += 1
            return
        }
        var index = 0
        while true {
            do {
                try element(&self, index)
            } catch let error as DecodingError {
                throw Self.prefixing(error, with: PathKey(intValue: index))
            }
            index += 1
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"):
                position += 1
                return
            default: throw corrupted("expected ',' or ']' in an array")
            }
            if closes(with: UInt8(ascii: "]")) { return }
        }
    }

    /// Consumes a `null` if one is next; the caller then reads the value otherwise.
    public mutating func readNull() -> Bool {
        skipWhitespace()
        guard at(Self.null) else { return false }
        position += 4
        return true
    }

    // MARK: Values

    public mutating func readString() throws -> String {
        skipWhitespace()
        guard peek() == UInt8(ascii: "\"") else { throw mismatch(String.self) }
        return try scanString()
    }

    public mutating func readOptionalString() throws -> String? {
        readNull() ? nil : try readString()
    }

    /// An integer without fraction or exponent that fits in `Int`.
    public mutating func readInt() throws -> Int {
        skipWhitespace()
        let start = position
        guard let first = peek(), first == UInt8(ascii: "-") || Self.isDigit(first) else { throw mismatch(Int.self) }
        try scanNumber()
        let text = bytes[start..<position]
        guard !text.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }),
            let value = Int(String(decoding: text, as: UTF8.self))
        else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "not an integer that fits"))
        }
        return value
    }

    public mutating func readOptionalInt() throws -> Int? {
        readNull() ? nil : try readInt()
    }

    /// Skips one value of any kind, checking its syntax.
    public mutating func skipValue() throws {
        skipWhitespace()
        switch peek() {
        case UInt8(ascii: "{"): try readObject { reader, _ in try reader.skipValue() }
        case UInt8(ascii: "["): try readArray { reader, _ in try reader.skipValue() }
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "t"): try expect(Self.true)
        case UInt8(ascii: "f"): try expect(Self.false)
        case UInt8(ascii: "n"): try expect(Self.null)
        case let byte? where byte == UInt8(ascii: "-") || Self.isDigit(byte): try scanNumber()
        default: throw corrupted("expected a value")
        }
    }

    // MARK: Scanning

    private static let null = Array("null".utf8), `true` = Array("true".utf8), `false` = Array("false".utf8)
    private static let unicodeEscape = Array("\\u".utf8)

    /// Whether `literal` comes next.
    private func at(_ literal: [UInt8]) -> Bool {
        guard bytes.count - position >= literal.count else { return false }
        for (offset, byte) in literal.enumerated() where bytes[position + offset] != byte { return false }
        return true
    }

    private func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    /// A trailing comma before the closing bracket, which `JSONDecoder` accepts too (so a provider
    /// that writes one keeps working).
    private mutating func closes(with bracket: UInt8) -> Bool {
        skipWhitespace()
        guard peek() == bracket else { return false }
        position += 1
        return true
    }

    private mutating func enter<T>(opening: UInt8, expected: T.Type) throws {
        skipWhitespace()
        guard peek() == opening else { throw mismatch(expected) }
        guard depth < Self.maximumDepth else { throw corrupted("nested deeper than \(Self.maximumDepth) levels") }
        depth += 1
        position += 1
    }

    private mutating func expect(_ literal: [UInt8]) throws {
        guard at(literal) else { throw corrupted("expected a value") }
        position += literal.count
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    private mutating func scanNumber() throws {
        if peek() == UInt8(ascii: "-") { position += 1 }
        guard let first = peek(), Self.isDigit(first) else { throw corrupted("expected a digit") }
        position += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        if peek() == UInt8(ascii: ".") {
            position += 1
            guard let digit = peek(), Self.isDigit(digit) else { throw corrupted("expected a digit after '.'") }
            skipDigits()
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            position += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { position += 1 }
            guard let digit = peek(), Self.isDigit(digit) else { throw corrupted("expected an exponent") }
            skipDigits()
        }
    }

    private mutating func skipDigits() {
        while let byte = peek(), Self.isDigit(byte) { position += 1 }
    }

    /// Skips a string without building it (still checking escapes, control characters and UTF-8).
    private mutating func skipString() throws {
        _ = try scanString(building: false)
    }

    /// Reads a string at the opening quote: the plain run is taken as it is, escapes are decoded.
    /// ASCII text (nearly every listing string) is built without validation; anything else is
    /// validated as UTF-8 (the generic validating initializer is several times slower per string).
    private mutating func scanString(building: Bool = true) throws -> String {
        position += 1  // the opening quote
        var decoded: [UInt8] = []
        var runStart = position
        var ascii = true
        while true {
            position = nextSpecialInString(from: position)
            guard position < bytes.count else { throw corrupted("a string is not closed") }
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                let run = bytes[runStart..<position]
                position += 1
                guard building || !ascii || !decoded.isEmpty else { return "" }
                if decoded.isEmpty, ascii { return String(decoding: run, as: UTF8.self) }
                decoded += run
                guard let text = String(validating: decoded, as: UTF8.self) else { throw corrupted("a string is not valid UTF-8") }
                return text
            case UInt8(ascii: "\\"):
                decoded += bytes[runStart..<position]
                position += 1
                try scanEscape(into: &decoded)
                runStart = position
            case ..<0x20:
                throw corrupted("a control character inside a string")
            case 0x80...:
                ascii = false
                position += 1
            default:
                position += 1
            }
        }
    }

    /// The index of the next quote, backslash, control or non-ASCII byte from `start` (or the end):
    /// the plain run of a string, scanned in one tight loop.
    private func nextSpecialInString(from start: Int) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            var index = start
            while index < buffer.count {
                let byte = buffer[index]
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { return index }
                index += 1
            }
            return index
        }
    }

    private mutating func scanEscape(into decoded: inout [UInt8]) throws {
        guard let byte = peek() else { throw corrupted("a string is not closed") }
        position += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(byte)
        case UInt8(ascii: "b"): decoded.append(0x08)
        case UInt8(ascii: "f"): decoded.append(0x0C)
        case UInt8(ascii: "n"): decoded.append(0x0A)
        case UInt8(ascii: "r"): decoded.append(0x0D)
        case UInt8(ascii: "t"): decoded.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try scanHex4()
            if (0xD800..<0xDC00).contains(scalar) {
                // A high surrogate must be followed by an escaped low one.
                guard at(Self.unicodeEscape) else { throw corrupted("a lone surrogate in a string") }
                position += 2
                let low = try scanHex4()
                guard (0xDC00..<0xE000).contains(low) else { throw corrupted("a lone surrogate in a string") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                throw corrupted("a lone surrogate in a string")
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw corrupted("an invalid \\u escape") }
            UTF8.encode(unicode) { decoded.append($0) }
        default:
            throw corrupted("an invalid escape in a string")
        }
    }

    private mutating func scanHex4() throws -> UInt32 {
        guard position + 4 <= bytes.count else { throw corrupted("an invalid \\u escape") }
        var value: UInt32 = 0
        for byte in bytes[position..<position + 4] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw corrupted("an invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
        }
        position += 4
        return value
    }

    // MARK: Errors

    /// A key or index of the path to a problem.
    public struct PathKey: CodingKey {
        public let stringValue: String
        public let intValue: Int?
        public init(stringValue: String) {
            self.stringValue = stringValue
            intValue = nil
        }
        public init(intValue: Int) {
            stringValue = String(intValue)
            self.intValue = intValue
        }
    }

    /// A required key that was not in the object just read.
    public static func missing(_ key: String) -> DecodingError {
        .keyNotFound(PathKey(stringValue: key), .init(codingPath: [], debugDescription: "missing"))
    }

    private func mismatch<T>(_ type: T.Type) -> DecodingError {
        if at(Self.null) {
            return .valueNotFound(type, .init(codingPath: [], debugDescription: "null"))
        }
        return .typeMismatch(type, .init(codingPath: [], debugDescription: "another kind of value"))
    }

    private func corrupted(_ what: String) -> DecodingError {
        .dataCorrupted(.init(codingPath: [], debugDescription: "\(what) at byte \(position)"))
    }

    private static func prefixing(_ error: DecodingError, with key: PathKey) -> DecodingError {
        func context(_ old: DecodingError.Context) -> DecodingError.Context {
            .init(codingPath: [key] + old.codingPath, debugDescription: old.debugDescription, underlyingError: old.underlyingError)
        }
        return switch error {
        case .keyNotFound(let missing, let old): .keyNotFound(missing, context(old))
        case .typeMismatch(let type, let old): .typeMismatch(type, context(old))
        case .valueNotFound(let type, let old): .valueNotFound(type, context(old))
        case .dataCorrupted(let old): .dataCorrupted(context(old))
        @unknown default: error
        }
    }
}
