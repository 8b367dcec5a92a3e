import Foundation
import TokenWardenCore

/// Dates as an on-call reads them: the UTC day, with "in 8d" / "3d ago" when it is near.
enum HumanTime {
    static func day(_ date: Date?, relativeTo now: Date) -> String {
        guard let date else { return "-" }
        let days = Int((date.timeIntervalSince(now) / 86_400).rounded(.towardZero))
        let day = ProviderTimestamp.formatDay(date)
        guard abs(days) <= 400 else { return day }
        if days == 0 { return "\(day) (\(date > now ? "today" : "today, past"))" }
        return days > 0 ? "\(day) (in \(days)d)" : "\(day) (\(-days)d ago)"
    }

    static func instant(_ date: Date?) -> String { date.map(ProviderTimestamp.format) ?? "-" }
}
