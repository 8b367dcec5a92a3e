extension String {
    /// This text made safe to show on a terminal as one line: C0 controls (ESC, CR, LF, BEL, tab…),
    /// DEL, C1 controls, the Unicode line and paragraph separators (U+2028, U+2029) and the
    /// bidirectional marks, overrides and isolates are written as `\u{…}` escapes.
    /// Token names, owners and server excerpts are provider data: raw, an ESC sequence could erase or
    /// forge rows on an admin's screen, a CR or LF start a fake line, a U+202E reverse the text.
    /// Machine output (`--json`) keeps the exact text.
    public var terminalSafe: String {
        guard unicodeScalars.contains(where: Self.unsafe) else { return self }
        var result = ""
        result.reserveCapacity(utf8.count + 8)
        for scalar in unicodeScalars {
            if Self.unsafe(scalar) {
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func unsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        // LRM, RLM, ALM, the embeddings and overrides, the isolates.
        case 0x200E, 0x200F, 0x061C, 0x202A...0x202E, 0x2066...0x2069: true
        // Line and paragraph separators: a new line to many renderers (mail clients, Slack, browsers).
        case 0x2028, 0x2029: true
        default: false
        }
    }
}
