/// A non-negative length of time written by an admin: `90d`, `12h`, `1h30m`, `0s`, or ISO-8601 `P90D`.
/// Policy durations are whole seconds; Swift's `Duration` has no parser or admin-facing format.
public struct TimeSpan: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let seconds: Int64

    public init(seconds: Int64) {
        precondition(seconds >= 0, "TimeSpan is never negative")
        self.seconds = seconds
    }

    public static func days(_ n: Int64) -> TimeSpan { TimeSpan(seconds: n * 86_400) }
    public static func hours(_ n: Int64) -> TimeSpan { TimeSpan(seconds: n * 3_600) }
    public static func minutes(_ n: Int64) -> TimeSpan { TimeSpan(seconds: n * 60) }

    public var timeInterval: Double { Double(seconds) }

    public static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool { lhs.seconds < rhs.seconds }

    /// The exact form in the short syntax an admin would write: `90d`, `1d12h`, `0s` (weeks are
    /// parsed but never printed: "12w6d" reads worse than "90d").
    public var description: String {
        if seconds == 0 { return "0s" }
        var rest = seconds
        var text = ""
        for (unit, size) in Self.units.reversed() where unit != "w" && rest >= size {
            text += "\(rest / size)\(unit)"
            rest %= size
        }
        return text
    }

    /// Units of the short syntax, smallest first.
    static let units: [(Character, Int64)] = [("s", 1), ("m", 60), ("h", 3_600), ("d", 86_400), ("w", 604_800)]
}
