import Foundation
import TokenWardenCore

/// Reads a token's timestamps with the shared tolerant parser and keeps note of anything odd in the
/// token's extras: a timestamp without a UTC offset (read as UTC), or one that could not be read at all
/// (kept raw, the fact left unknown, rather than failing the whole listing).
struct TimestampReader {
    private var withoutOffset: [String] = []
    private var unreadable: [String: String] = [:]

    mutating func read(_ text: String?, field: String) -> Date? {
        guard let text, !text.isEmpty else { return nil }
        do {
            let parsed = try ProviderTimestamp.parse(text)
            if !parsed.hadOffset { withoutOffset.append(field) }
            return parsed.date
        } catch {
            unreadable["unreadable_" + field] = text
            return nil
        }
    }

    /// The notes to merge into the token's extras.
    var extras: [String: String] {
        var extras = unreadable
        if !withoutOffset.isEmpty { extras["timestamps_without_offset"] = withoutOffset.joined(separator: ",") }
        return extras
    }
}
