/// Reading an element's raw bytes instead of its values: a listing recognises a token it stored
/// unchanged by the digest of its bytes and one field (the id), without building any string.
extension JSONReader {
    /// Where the reader is, as a byte offset into the document.
    public var offset: Int { position }

    /// Goes back to `offset` (one this reader reported, at the same depth), to read again what was
    /// skimmed.
    public mutating func rewind(to offset: Int) {
        precondition(offset >= 0 && offset <= position, "rewinding past the reader's position")
        position = offset
    }

    /// The offset where the next value starts (after whitespace).
    public mutating func valueStart() -> Int {
        skipWhitespace()
        return position
    }

    /// Calls `body` with the document's bytes in `range`.
    public func withBytes<T>(in range: Range<Int>, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        try bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    /// Skips one object, checking its syntax as `skipValue` does, and returns the bytes of the value
    /// of its top-level key `field`: a string's characters without its quotes, any other value as
    /// written. Nil when there is no such key, or the string has escapes. Keys are compared byte
    /// for byte: an escaped key is not matched (the caller then reads the object in full). An empty
    /// `field` finds nothing: `skipValue` skips an object so, without building its keys.
    public mutating func skimObject(findingField field: [UInt8]) throws -> Range<Int>? {
        var found: Range<Int>?
        try walkObject(
            key: { reader in
                let start = reader.position + 1
                try reader.skipString()
                return start..<reader.position - 1
            },
            value: { reader, key in
                let matches = !field.isEmpty && found == nil && reader.isField(field, key)
                let valueStart = reader.valueStart()
                try reader.skipValue()
                if matches { found = Self.text(of: valueStart..<reader.position, in: reader.bytes) }
            })
        return found
    }

    private func isField(_ field: [UInt8], _ key: Range<Int>) -> Bool {
        guard key.count == field.count else { return false }
        for (offset, byte) in field.enumerated() where bytes[key.lowerBound + offset] != byte { return false }
        return true
    }

    /// A string value's characters (nil with an escape), or another value's bytes.
    private static func text(of value: Range<Int>, in bytes: [UInt8]) -> Range<Int>? {
        guard bytes[value.lowerBound] == UInt8(ascii: "\"") else { return value }
        let characters = value.lowerBound + 1..<value.upperBound - 1
        return bytes[characters].contains(UInt8(ascii: "\\")) ? nil : characters
    }
}

extension JSONReader {
    /// Skips one value by its brackets and string quotes alone, checking nothing in between: for a
    /// value the caller reads in full afterwards (Planning Center's `data`, passed over to reach
    /// `meta` and `links` before the page's tokens are read), where `skipValue` would check every
    /// byte twice. An unclosed object or array is still refused.
    public mutating func skipUnvalidated() throws {
        skipWhitespace()
        guard let first = peek(), first == UInt8(ascii: "{") || first == UInt8(ascii: "[") else { return try skipValue() }
        let end = bytes.withUnsafeBufferPointer { buffer -> Int? in
            var depth = 0
            var index = position
            while index < buffer.count {
                switch buffer[index] {
                case UInt8(ascii: "\""):
                    index += 1
                    while index < buffer.count, buffer[index] != UInt8(ascii: "\"") {
                        index += buffer[index] == UInt8(ascii: "\\") ? 2 : 1
                    }
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return index + 1 }
                default: break
                }
                index += 1
            }
            return nil
        }
        guard let end else { throw corrupted(first == UInt8(ascii: "{") ? "an object is not closed" : "an array is not closed") }
        position = end
    }
}
