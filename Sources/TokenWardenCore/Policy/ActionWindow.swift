import Foundation

/// When a rule may act (`window = ["Mon-Fri 09:00-16:00", "Sat 10:00-12:00"]` on a rule): its action,
/// a notice included, happens only inside one of its windows, in the host's time zone; outside, the
/// decision is held `outside-window` until the next opening. Times are local wall-clock times, so
/// on a daylight-saving change a window keeps its hours, and an opening the change skips comes at
/// the first moment after the gap, as digest windows do (`DigestWindow`).
public struct ActionWindow: Sendable, Hashable, CustomStringConvertible {
    /// ISO weekdays: 1 is Monday, 7 is Sunday.
    public let days: Set<Int>
    /// Minutes after local midnight: the window is [opens, closes).
    public let opens: Int
    public let closes: Int

    static let dayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

    /// Why a window's text cannot be read, in words for the admin.
    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Parses "DAYS HH:MM-HH:MM": DAYS is a day (`Mon` … `Sun`), a range (`Mon-Fri`) or a comma list
    /// of either (`Mon,Wed,Fri-Sun`); times are 24-hour, the end after the start (`24:00` is midnight).
    public init(parsing text: String) throws(ParseError) {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2 else {
            throw ParseError(description: "\"\(text)\" is not a window; write days and hours, e.g. \"Mon-Fri 09:00-16:00\"")
        }
        // Every mistake in the text is said at once: the days and the hours are read apart.
        var mistakes: [String] = []
        var days: Set<Int> = []
        for item in parts[0].split(separator: ",", omittingEmptySubsequences: false) {
            let ends = item.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(ends.count), let first = Self.day(ends[0]), let last = Self.day(ends[ends.count - 1]) else {
                mistakes.append("\"\(item)\" in \"\(text)\" is not a day or a range of days; use \(Self.dayNames.joined(separator: ", "))")
                continue
            }
            guard first <= last else {
                let wrapped = "\(ends[0])-Sun,Mon" + (last == 1 ? "" : "-\(ends[1])")
                mistakes.append("\"\(item)\" in \"\(text)\" runs backwards; weeks start on Monday, so write \"\(wrapped)\"")
                continue
            }
            days.formUnion(first...last)
        }
        let hours = parts[1].split(separator: "-", omittingEmptySubsequences: false)
        var span: (opens: Int, closes: Int)?
        if hours.count == 2, let opens = Self.minutes(hours[0], allowingEnd: false), let closes = Self.minutes(hours[1], allowingEnd: true) {
            if opens < closes {
                span = (opens, closes)
            } else {
                mistakes.append(
                    "\"\(parts[1])\" in \"\(text)\" ends before it starts; a window stays within one day: "
                        + "write two windows for one that spans midnight")
            }
        } else {
            mistakes.append("\"\(parts[1])\" in \"\(text)\" is not a span of hours; write HH:MM-HH:MM, 24-hour, e.g. 09:00-16:00")
        }
        guard mistakes.isEmpty, let (opens, closes) = span else { throw ParseError(description: mistakes.joined(separator: "; and ")) }
        self.days = days
        self.opens = opens
        self.closes = closes
    }

    private static func day(_ name: Substring) -> Int? {
        dayNames.firstIndex { $0.caseInsensitiveCompare(name) == .orderedSame }.map { $0 + 1 }
    }

    private static func minutes(_ text: Substring, allowingEnd: Bool) -> Int? {
        let fields = text.split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count == 2, fields[0].count == 2, fields[1].count == 2, let hour = Int(fields[0]), let minute = Int(fields[1]),
            fields.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }), (0..<60).contains(minute)
        else { return nil }
        if hour == 24 && minute == 0 && allowingEnd { return 24 * 60 }
        return (0..<24).contains(hour) ? hour * 60 + minute : nil
    }

    static func calendar(_ timeZone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    /// Whether `date` falls inside this window, in `timeZone`.
    public func contains(_ date: Date, in timeZone: TimeZone) -> Bool {
        let parts = Self.calendar(timeZone).dateComponents([.weekday, .hour, .minute], from: date)
        guard let weekday = parts.weekday, let hour = parts.hour, let minute = parts.minute else { return false }
        let minutes = hour * 60 + minute
        return days.contains((weekday + 5) % 7 + 1) && opens <= minutes && minutes < closes
    }

    /// The first opening of this window strictly after `date`, in `timeZone`.
    public func nextOpening(after date: Date, in timeZone: TimeZone) -> Date? {
        let calendar = Self.calendar(timeZone)
        return days.compactMap { day in
            // Calendar weekdays: 1 is Sunday.
            let wanted = DateComponents(hour: opens / 60, minute: opens % 60, second: 0, weekday: day % 7 + 1)
            return calendar.nextDate(after: date, matching: wanted, matchingPolicy: .nextTime, direction: .forward)
        }.min()
    }

    /// Whether `date` falls inside any of `windows` (always, when there are none).
    public static func isOpen(_ windows: [ActionWindow], at date: Date, in timeZone: TimeZone) -> Bool {
        windows.isEmpty || windows.contains { $0.contains(date, in: timeZone) }
    }

    /// The next opening of any of `windows` after `date`.
    public static func nextOpening(of windows: [ActionWindow], after date: Date, in timeZone: TimeZone) -> Date? {
        windows.compactMap { $0.nextOpening(after: date, in: timeZone) }.min()
    }

    /// "Mon-Fri 09:00-16:00", as normalised: consecutive days as ranges.
    public var description: String {
        var runs: [String] = []
        var day = 1
        while day <= 7 {
            guard days.contains(day) else {
                day += 1
                continue
            }
            var last = day
            while days.contains(last + 1) { last += 1 }
            runs.append(last == day ? Self.dayNames[day - 1] : "\(Self.dayNames[day - 1])-\(Self.dayNames[last - 1])")
            day = last + 1
        }
        func clock(_ minutes: Int) -> String {
            let (hour, minute) = (minutes / 60, minutes % 60)
            return (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
        }
        return runs.joined(separator: ",") + " \(clock(opens))-\(clock(closes))"
    }
}
