/// The byte-level scanning under `JSONReader`'s public reads: literals, numbers, strings and escapes.
extension JSONReader {
    static let null = Array("null".utf8), `true` = Array("true".utf8), `false` = Array("false".utf8)
    static let unicodeEscape = Array("\\u".utf8)

    /// Whether `literal` comes next.
    func at(_ literal: [UInt8]) -> Bool {
        guard bytes.count - position >= literal.count else { return false }
        for (offset, byte) in literal.enumerated() where bytes[position + offset] != byte { return false }
        return true
    }

    func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    /// A trailing comma before the closing bracket, which `JSONDecoder` accepts too (so a provider
    /// that writes one keeps working).
    mutating func closes(with bracket: UInt8) -> Bool {
        skipWhitespace()
        guard peek() == bracket else { return false }
        position += 1
        return true
    }

    /// The walk over an object's members that `readObject` and `skimObject` share: a key in quotes
    /// (`key` reads it at its opening quote), `:`, the member's value (`value` must read or skip it),
    /// then `,` or `}`; a trailing comma before `}` is accepted. Inlined into both, so each keeps
    /// its own specialised loop (`tokenwarden-json-bench`, docs/benchmarks.md).
    @inline(__always)
    mutating func walkObject<Key>(
        key readKey: (inout JSONReader) throws -> Key, value: (inout JSONReader, Key) throws -> Void
    ) throws {
        try enter(opening: UInt8(ascii: "{"), expected: [String: Any].self)
        defer { depth -= 1 }
        if closes(with: UInt8(ascii: "}")) { return }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw corrupted("expected a key in quotes") }
            let key = try readKey(&self)
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw corrupted("expected ':' after a key") }
            position += 1
            try value(&self, key)
            if try endsAfterMember(closing: UInt8(ascii: "}"), of: "an object") { return }
        }
    }

    /// After an object's member or an array's element: `,` then more (a trailing comma before
    /// `closing` ends it too), or `closing`. True when the container ended.
    mutating func endsAfterMember(closing: UInt8, of container: String) throws -> Bool {
        skipWhitespace()
        switch peek() {
        case UInt8(ascii: ","): position += 1
        case closing:
            position += 1
            return true
        default: throw corrupted("expected ',' or '\(Character(Unicode.Scalar(closing)))' in \(container)")
        }
        return closes(with: closing)
    }

    mutating func enter<T>(opening: UInt8, expected: T.Type) throws {
        skipWhitespace()
        guard peek() == opening else { throw mismatch(expected) }
        guard depth < Self.maximumDepth else { throw corrupted("nested deeper than \(Self.maximumDepth) levels") }
        depth += 1
        position += 1
    }

    mutating func expect(_ literal: [UInt8]) throws {
        guard at(literal) else { throw corrupted("expected a value") }
        position += literal.count
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    mutating func scanNumber() throws {
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

    mutating func skipDigits() {
        while let byte = peek(), Self.isDigit(byte) { position += 1 }
    }

    /// Skips a string without building it (still checking escapes, control characters and UTF-8).
    mutating func skipString() throws {
        _ = try scanString(building: false)
    }

    /// Reads a string at the opening quote: the plain run is taken as it is, escapes are decoded.
    /// ASCII text (nearly every listing string) is built without validation; anything else is
    /// validated as UTF-8 (the generic validating initializer is several times slower per string).
    mutating func scanString(building: Bool = true) throws -> String {
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
    func nextSpecialInString(from start: Int) -> Int {
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

    mutating func scanEscape(into decoded: inout [UInt8]) throws {
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

    mutating func scanHex4() throws -> UInt32 {
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
}
