import Foundation
import TokenWardenCore

/// Dates as an on-call reads them: the day with how far off it is ("in 22 h", "in 8d", "3d ago",
/// from the real instant), "never" for a provider's far-future sentinel, in UTC or, with
/// `--local-time`, in the host's time zone (`TZ` honoured). JSON never goes through here: it
/// stays UTC.
struct HumanTime {
    /// nil: UTC.
    let zone: TimeZone?

    static let utc = HumanTime(zone: nil)

    init(zone: TimeZone?) { self.zone = zone }

    init(localTime: Bool) { self.init(zone: localTime ? TimeZone.current : nil) }

    /// Providers write "never expires" as a date centuries away (AWX: the year 3025 and later).
    static let neverAfter = Date(timeIntervalSince1970: 32_503_680_000)  // 3000-01-01T00:00:00Z

    /// "2026-12-07 (in 22 h)", "2027-03-01 (in 85d)", "2026-12-01 (5d ago)", "never", "-".
    func day(_ date: Date?, relativeTo now: Date) -> String {
        guard let date else { return "-" }
        if date >= Self.neverAfter { return "never" }
        let text = String(instant(date).prefix(10))
        let seconds = date.timeIntervalSince(now)
        guard abs(seconds) <= 400 * 86_400 else { return text }
        return "\(text) (\(Self.distance(seconds)))"
    }

    /// "in 40 min", "in 22 h", "in 3d", "5 h ago", "12d ago".
    static func distance(_ seconds: TimeInterval) -> String {
        let span = abs(seconds)
        let words =
            switch span {
            case ..<3_600: "\(max(1, Int(span / 60))) min"
            case ..<86_400: "\(Int(span / 3_600)) h"
            default: "\(Int(span / 86_400))d"
            }
        return seconds >= 0 ? "in \(words)" : "\(words) ago"
    }

    /// `2026-12-06T18:21:04Z`, or with `--local-time` `2026-12-06T19:21:04+01:00`.
    func instant(_ date: Date?) -> String {
        guard let date else { return "-" }
        guard let zone else { return ProviderTimestamp.format(date) }
        let offset = zone.secondsFromGMT(for: date)
        let local = ProviderTimestamp.format(date.addingTimeInterval(TimeInterval(offset)))
        guard offset != 0 else { return local }
        var suffix = offset < 0 ? "-" : "+"
        ProviderTimestamp.append(abs(offset) / 3_600, digits: 2, to: &suffix)
        suffix += ":"
        ProviderTimestamp.append(abs(offset) % 3_600 / 60, digits: 2, to: &suffix)
        return String(local.dropLast()) + suffix
    }
}
