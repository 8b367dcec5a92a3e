/// A forward-only reader of one JSON document (RFC 8259, plus trailing commas): the caller walks
/// objects and arrays and reads the fields it wants, skipping the rest.
/// Why hand-written rather than `JSONDecoder`: it reads the listing pages of every poll and the JSON
/// columns of every stored token, and it still beats Swift 6.3's `JSONDecoder` by 4×: on 100 AWX
/// pages of 200 tokens (563 bytes a token), reading the fields `AWXDriver` keeps, 4.2–4.4 µs a token
/// (130 MB/s) against 17.4–17.9 µs (32 MB/s), `swift run -c release tokenwarden-json-bench`
/// (Benchmarks/JSONDecoding, both in one run; 2026-12-02). `JSONDecoder` maps the whole document,
/// then builds a keyed container for each object. Everything else (create and error bodies, the
/// smaller providers) uses `JSONDecoder`. Errors are `DecodingError`s with the coding path, so
/// messages read the same either way.
public struct JSONReader {
    let bytes: [UInt8]
    var position = 0
    var depth = 0

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
        try walkObject(
            key: { reader in try reader.scanString() },
            value: { reader, key in
                do {
                    try field(&reader, key)
                } catch let error as DecodingError {
                    throw Self.prefixing(error, with: PathKey(stringValue: key))
                }
            })
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
            if try endsAfterMember(closing: UInt8(ascii: "]"), of: "an array") { return }
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

    public mutating func readBool() throws -> Bool {
        skipWhitespace()
        if at(Self.true) {
            position += 4
            return true
        }
        guard at(Self.false) else { throw mismatch(Bool.self) }
        position += 5
        return false
    }

    public mutating func readOptionalBool() throws -> Bool? {
        readNull() ? nil : try readBool()
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
        case UInt8(ascii: "{"): _ = try skimObject(findingField: [])
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
}
