import Foundation

/// The one timestamp parser and formatter for every provider, the store and the CLI.
/// Providers disagree: AWX sends microseconds and year-3024 expiries, 12d Synergy sends `.67+08:00`
/// and sometimes no offset at all. `ISO8601DateFormatter` accepts exactly 0 or 3 fractional digits,
/// so this is hand-written over plain calendar arithmetic (proleptic Gregorian, UTC).
public enum ProviderTimestamp {
    /// A parsed instant, and whether the text carried a UTC offset (if not, it was read as UTC).
    public struct Parsed: Sendable, Hashable {
        public let date: Date
        public let hadOffset: Bool
    }

    /// Why a timestamp was refused; it names the text (timestamps are never secret).
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public let text: String
        public let reason: String
        public var description: String { "unreadable timestamp \"\(text)\": \(reason)" }
    }

    /// Parses `YYYY-MM-DD[T| ]hh:mm[:ss[.f{0,9}]][Z|±hh:mm|±hhmm|±hh]`.
    public static func parse(_ text: String) throws(ParseError) -> Parsed {
        var scanner = Scanner(bytes: Array(text.utf8), text: text)
        let year = try scanner.number(digits: 4, what: "year")
        try scanner.expect(UInt8(ascii: "-"))
        let month = try scanner.number(digits: 2, what: "month")
        try scanner.expect(UInt8(ascii: "-"))
        let day = try scanner.number(digits: 2, what: "day")
        guard let separator = scanner.next(), separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t") || separator == UInt8(ascii: " ")
        else {
            throw ParseError(text: text, reason: "expected \"T\" between date and time")
        }
        let hour = try scanner.number(digits: 2, what: "hour")
        try scanner.expect(UInt8(ascii: ":"))
        let minute = try scanner.number(digits: 2, what: "minute")
        var second = 0
        var nanoseconds = 0
        if scanner.peek() == UInt8(ascii: ":") {
            scanner.advance()
            second = try scanner.number(digits: 2, what: "second")
            if scanner.peek() == UInt8(ascii: ".") || scanner.peek() == UInt8(ascii: ",") {
                scanner.advance()
                nanoseconds = try scanner.fraction()
            }
        }
        let offsetSeconds = try scanner.offset()
        guard scanner.isAtEnd else { throw ParseError(text: text, reason: "unexpected text after the time") }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day) else {
            throw ParseError(text: text, reason: "no such date")
        }
        // 24:00:00 is not accepted; a leap second (:60) is folded into the next second.
        guard hour < 24, minute < 60, second <= 60 else { throw ParseError(text: text, reason: "no such time of day") }
        let days = daysFromCivil(year: year, month: month, day: day)
        let wholeSeconds = Int64(days) * 86_400 + Int64(hour * 3_600 + minute * 60 + second) - Int64(offsetSeconds ?? 0)
        let date = Date(timeIntervalSince1970: Double(wholeSeconds) + Double(nanoseconds) / 1e9)
        return Parsed(date: date, hadOffset: offsetSeconds != nil)
    }

    /// `2025-07-11T18:45:37Z`: UTC, whole seconds (what the CLI prints and scripts read).
    public static func format(_ date: Date) -> String {
        let total = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = Int(total.floorDivided(by: 86_400))
        let secondOfDay = Int(total - Int64(days) * 86_400)
        // Assembled by hand: `String(format:)` costs microseconds per call on Linux, and the simulator
        // and the CLI format hundreds of thousands of these.
        var text = ""
        text.reserveCapacity(20)
        appendDay(days, to: &text)
        text.append("T")
        append(secondOfDay / 3_600, digits: 2, to: &text)
        text.append(":")
        append(secondOfDay % 3_600 / 60, digits: 2, to: &text)
        text.append(":")
        append(secondOfDay % 60, digits: 2, to: &text)
        text.append("Z")
        return text
    }

    /// `2025-09-10T02:53:38.670Z`, always with milliseconds (as the store keeps them): RFC 3339 in
    /// UTC, what every `--json` prints (docs/json.md), so scripts parse one shape.
    public static func formatExact(_ date: Date) -> String {
        let milliseconds = date.millisecondsSince1970
        let fraction = Int(milliseconds - milliseconds.floorDivided(by: 1_000) * 1_000)
        let whole = format(Date(timeIntervalSince1970: Double(milliseconds.floorDivided(by: 1_000))))
        var text = String(whole.dropLast())
        text.append(".")
        append(fraction, digits: 3, to: &text)
        text.append("Z")
        return text
    }

    /// Appends `value` zero-padded to at least `digits` digits.
    public static func append(_ value: Int, digits: Int, to text: inout String) {
        let plain = String(value)
        // utf8.count, not count: digits are ASCII, and counting Characters was a tenth of `tokens`.
        if plain.utf8.count < digits { text.append(String(repeating: "0", count: digits - plain.utf8.count)) }
        text.append(plain)
    }

    /// `2025-07-11`: the UTC calendar day, for tables.
    public static func formatDay(_ date: Date) -> String {
        var text = ""
        text.reserveCapacity(10)
        appendDay(Int(Int64(date.timeIntervalSince1970.rounded(.down)).floorDivided(by: 86_400)), to: &text)
        return text
    }

    /// Appends the calendar day `days` after 1970-01-01 as `YYYY-MM-DD`.
    static func appendDay(_ days: Int, to text: inout String) {
        let (year, month, day) = civilFromDays(days)
        append(year, digits: 4, to: &text)
        text.append("-")
        append(month, digits: 2, to: &text)
        text.append("-")
        append(day, digits: 2, to: &text)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse of `daysFromCivil`.
    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// A cursor over the timestamp's ASCII bytes.
    private struct Scanner {
        let bytes: [UInt8]
        let text: String
        var index = 0

        var isAtEnd: Bool { index == bytes.count }
        func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }
        mutating func advance() { index += 1 }
        mutating func next() -> UInt8? {
            defer { index += 1 }
            return peek()
        }

        mutating func expect(_ byte: UInt8) throws(ParseError) {
            guard next() == byte else { throw ParseError(text: text, reason: "expected \"\(Character(Unicode.Scalar(byte)))\"") }
        }

        mutating func number(digits count: Int, what: String) throws(ParseError) -> Int {
            var value = 0
            for _ in 0..<count {
                guard let byte = next(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else {
                    throw ParseError(text: text, reason: "expected \(count) digits for the \(what)")
                }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }

        /// 0–9 fractional digits as nanoseconds (0 digits after the dot is tolerated too).
        mutating func fraction() throws(ParseError) -> Int {
            var nanoseconds = 0
            var count = 0
            while let byte = peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                guard count < 9 else { throw ParseError(text: text, reason: "more than 9 fractional digits") }
                nanoseconds = nanoseconds * 10 + Int(byte - UInt8(ascii: "0"))
                count += 1
                advance()
            }
            for _ in count..<9 { nanoseconds *= 10 }
            return nanoseconds
        }

        /// Seconds east of UTC, or nil when the text carries no offset.
        mutating func offset() throws(ParseError) -> Int? {
            guard let sign = peek() else { return nil }
            if sign == UInt8(ascii: "Z") || sign == UInt8(ascii: "z") {
                advance()
                return 0
            }
            guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return nil }
            advance()
            let hours = try number(digits: 2, what: "offset hours")
            var minutes = 0
            if peek() == UInt8(ascii: ":") {
                advance()
                minutes = try number(digits: 2, what: "offset minutes")
            } else if !isAtEnd {
                minutes = try number(digits: 2, what: "offset minutes")
            }
            guard hours <= 23, minutes <= 59 else { throw ParseError(text: text, reason: "no such UTC offset") }
            let seconds = hours * 3_600 + minutes * 60
            return sign == UInt8(ascii: "-") ? -seconds : seconds
        }
    }
}

extension Int64 {
    /// Division rounding toward negative infinity (dates before 1970 stay correct).
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
