import Foundation

/// When a notifier's digest goes out (`digest = "daily 09:00"` on a `[[notifier]]`): what a cycle
/// finds is gathered into one message per recipient and sent at the next such time, in the host's
/// time zone. Without a window, each cycle's findings go out at once.
public struct DigestWindow: Sendable, Hashable, CustomStringConvertible {
    public let hour: Int
    public let minute: Int

    public init(hour: Int, minute: Int) {
        precondition((0..<24).contains(hour) && (0..<60).contains(minute), "a time of day")
        self.hour = hour
        self.minute = minute
    }

    /// Parses "daily HH:MM" (24-hour clock).
    public init?(parsing text: String) {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0] == "daily" else { return nil }
        let clock = parts[1].split(separator: ":", omittingEmptySubsequences: false)
        guard clock.count == 2, clock[0].count == 2, clock[1].count == 2, let hour = Int(clock[0]), let minute = Int(clock[1]),
            (0..<24).contains(hour), (0..<60).contains(minute)
        else { return nil }
        self.init(hour: hour, minute: minute)
    }

    /// The first moment of this window strictly after `now`, in `timeZone`. A time of day that a
    /// daylight-saving change skips is taken as the first moment after the gap, as `Calendar` does.
    public func next(after now: Date, in timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let wanted = DateComponents(hour: hour, minute: minute, second: 0)
        return calendar.nextDate(after: now, matching: wanted, matchingPolicy: .nextTime, direction: .forward) ?? now
    }

    public var description: String {
        "daily " + (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
    }
}
