import Foundation

/// Reads an HTTP `Retry-After` header (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.
/// Planning Center and SailPoint send it on 429; honouring it is cheaper than guessing.
public enum RetryAfter {
    /// The wait it asks for at `now`, never negative and at most a day (`ProviderDuration`); nil when
    /// the value is unreadable.
    public static func delay(from value: String, now: Date) -> TimeInterval? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = UInt64(text) { return ProviderDuration.seconds(TimeInterval(seconds)) }
        // The three HTTP-date forms: IMF-fixdate, then the obsolete RFC 850 and asctime forms.
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: text.replacingOccurrences(of: "  ", with: " ")) {
                return ProviderDuration.seconds(max(0, date.timeIntervalSince(now)))
            }
        }
        return nil
    }
}
