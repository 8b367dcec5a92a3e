import Foundation

/// The name a rotation gives a token's successor: the lineage's base name and a marker that says it
/// was rotated and when, `ci-deploy (rotated 2026-12-06)`. The old token is still live when its
/// successor is created, and SailPoint refuses a second PAT of the same name for one owner
/// (`CreatePersonalAccessTokenRequest.name`: "Cannot be the same as another PAT owned by the user");
/// elsewhere the marker lets a person reading the provider's UI tell the two apart.
public enum SuccessorName {
    /// What precedes the date in a marker.
    static let opening = " (rotated "

    /// `name` without a trailing rotation marker: a later rotation replaces the marker instead of
    /// stacking a second one.
    public static func base(of name: String) -> String {
        guard let range = name.range(of: opening, options: .backwards), name.hasSuffix(")") else { return name }
        let inside = name[range.upperBound..<name.index(before: name.endIndex)]
        let date = inside.prefix(10)
        let rest = inside.dropFirst(10)
        guard isDate(date), rest.isEmpty || (rest.hasPrefix(" #") && rest.dropFirst(2).allSatisfy(\.isASCIIDigitCharacter) && rest.count > 2)
        else { return name }
        return String(name[..<range.lowerBound])
    }

    /// The successor's name: `base` and the marker for `day` (UTC), shortened to at most `maxLength`
    /// Unicode scalars (what a database column's length counts) by cutting the base, never the
    /// marker, and numbered (`#2`, `#3`, …) until it differs from every name in `taken`.
    public static func make(base: String, on day: Date, maxLength: Int, taken: Set<String>) -> String {
        let date = ProviderTimestamp.formatDay(day)
        var number = 1
        while true {
            let marker = opening + date + (number == 1 ? "" : " #\(number)") + ")"
            let name = fitted(base, leaving: marker.unicodeScalars.count, of: maxLength) + marker
            if !taken.contains(name) { return name }
            number += 1
        }
    }

    /// `base` cut at a character boundary so that `reserved` more scalars still fit in `maxLength`.
    static func fitted(_ base: String, leaving reserved: Int, of maxLength: Int) -> String {
        let room = max(1, maxLength - reserved)
        guard base.unicodeScalars.count > room else { return base }
        var cut = ""
        var used = 0
        for character in base {
            let size = character.unicodeScalars.count
            if used + size > room { break }
            cut.append(character)
            used += size
        }
        while cut.last?.isWhitespace == true { cut.removeLast() }
        return cut
    }

    private static func isDate(_ text: Substring) -> Bool {
        let characters = Array(text)
        guard characters.count == 10, characters[4] == "-", characters[7] == "-" else { return false }
        return characters.enumerated().allSatisfy { index, character in index == 4 || index == 7 || character.isASCIIDigitCharacter }
    }
}

extension Character {
    fileprivate var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}
