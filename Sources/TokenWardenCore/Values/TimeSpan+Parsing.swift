import Foundation

extension TimeSpan {
    /// Why a duration string was refused; the message says how to write it instead.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public let text: String
        public let reason: String
        public var description: String { "\"\(text)\" is not a duration: \(reason)" }
    }

    /// Parses `90d`, `12h`, `30m`, `45s`, `2w`, combinations such as `1h30m`, and ISO-8601 `P90D` / `PT12H`.
    /// Hand-written: Foundation has no parser for either syntax, and the grammar is a dozen lines.
    public init(parsing raw: String) throws(ParseError) {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { throw ParseError(text: raw, reason: "it is empty; write e.g. \"90d\", \"12h\" or \"30m\"") }
        if text.first == "P" || text.first == "p" {
            self = try Self.parseISO8601(text, raw: raw)
        } else {
            self = try Self.parseShort(text, raw: raw)
        }
    }

    private static func parseShort(_ text: String, raw: String) throws(ParseError) -> TimeSpan {
        var total: Int64 = 0
        var digits = ""
        var sawUnit = false
        var rest = Substring(text)
        while let character = rest.first {
            if character.isASCII, character.isNumber {
                digits.append(character)
                rest = rest.dropFirst()
                continue
            }
            if character == "-" { throw ParseError(text: raw, reason: "durations cannot be negative") }
            // The whole word after a number is its unit: "30days" names "days", not "a".
            let word = rest.prefix { !($0.isASCII && $0.isNumber) && $0 != "-" }
            rest = rest.dropFirst(word.count)
            guard word.count == 1, let size = units.first(where: { $0.0 == Character(word.lowercased()) })?.1 else {
                throw ParseError(text: raw, reason: "unknown unit \"\(word)\": use d, h, m, s or w (e.g. \"90d\")")
            }
            total = try add(digits, of: character, times: size, to: total, raw: raw)
            digits = ""
            sawUnit = true
        }
        if !digits.isEmpty {
            let hint = sawUnit ? "the last number has no unit" : "it has no unit"
            throw ParseError(text: raw, reason: "\(hint); write \"\(digits)d\", \"\(digits)h\", \"\(digits)m\", \"\(digits)s\" or \"\(digits)w\"")
        }
        return TimeSpan(seconds: total)
    }

    private static func parseISO8601(_ text: String, raw: String) throws(ParseError) -> TimeSpan {
        var total: Int64 = 0
        var digits = ""
        var inTimePart = false
        var sawComponent = false
        for character in text.uppercased().dropFirst() {
            if character.isASCII, character.isNumber {
                digits.append(character)
                continue
            }
            if character == "T" {
                if inTimePart || !digits.isEmpty { throw ParseError(text: raw, reason: "misplaced \"T\" in an ISO-8601 duration") }
                inTimePart = true
                continue
            }
            let size: Int64
            switch (character, inTimePart) {
            case ("W", false): size = 604_800
            case ("D", false): size = 86_400
            case ("H", true): size = 3_600
            case ("M", true): size = 60
            case ("S", true): size = 1
            case ("Y", false), ("M", false):
                throw ParseError(text: raw, reason: "years and months have no fixed length; use days, e.g. \"P30D\"")
            default:
                throw ParseError(text: raw, reason: "\"\(character)\" is not valid here; ISO-8601 durations look like \"P90D\" or \"PT12H\"")
            }
            total = try add(digits, of: character, times: size, to: total, raw: raw)
            digits = ""
            sawComponent = true
        }
        if !digits.isEmpty || !sawComponent {
            throw ParseError(text: raw, reason: "incomplete ISO-8601 duration; write e.g. \"P90D\" or \"PT12H\"")
        }
        return TimeSpan(seconds: total)
    }

    /// `total + digits × size`, refusing a missing number and overflow.
    private static func add(_ digits: String, of unit: Character, times size: Int64, to total: Int64, raw: String) throws(ParseError) -> Int64 {
        if digits.isEmpty { throw ParseError(text: raw, reason: "a number must come before \"\(unit)\" (e.g. \"90d\")") }
        guard let value = Int64(digits) else { throw ParseError(text: raw, reason: "it is too large") }
        let (product, overflow1) = value.multipliedReportingOverflow(by: size)
        let (sum, overflow2) = total.addingReportingOverflow(product)
        if overflow1 || overflow2 { throw ParseError(text: raw, reason: "it is too large") }
        return sum
    }
}
