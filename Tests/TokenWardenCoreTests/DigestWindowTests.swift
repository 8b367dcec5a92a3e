import Foundation
import Testing
import TokenWardenCore

@Suite struct DigestWindowTests {
    @Test(
        arguments: [
            ("daily 09:00", "daily 09:00"), ("daily 00:00", "daily 00:00"), ("daily  23:59", "daily 23:59"),
            ("daily 9:00", nil), ("daily 24:00", nil), ("daily 09:60", nil), ("weekly 09:00", nil), ("09:00", nil), ("daily", nil),
        ] as [(String, String?)])
    func aWindowIsDailyAtATimeOfDay(text: String, parsed: String?) {
        #expect(DigestWindow(parsing: text)?.description == parsed)
    }

    static func instant(_ text: String) -> Date { try! ProviderTimestamp.parse(text).date }

    /// (window, time zone, now, next opening): the next opening strictly after now, in the zone;
    /// on the day summer time starts, a time in the skipped hour opens right after the gap.
    @Test(arguments: [
        ("daily 09:00", "UTC", "2026-12-02T08:59:59Z", "2026-12-02T09:00:00Z"),
        ("daily 09:00", "UTC", "2026-12-02T09:00:00Z", "2026-12-03T09:00:00Z"),
        ("daily 09:00", "UTC", "2026-12-31T10:00:00Z", "2027-01-01T09:00:00Z"),
        ("daily 09:00", "Europe/Berlin", "2026-12-02T07:30:00Z", "2026-12-02T08:00:00Z"),
        ("daily 09:00", "Europe/Berlin", "2027-07-01T07:30:00Z", "2027-07-02T07:00:00Z"),
        ("daily 09:00", "America/New_York", "2026-12-02T13:00:00Z", "2026-12-02T14:00:00Z"),
        ("daily 02:30", "Europe/Berlin", "2027-03-27T02:00:00Z", "2027-03-28T01:00:00Z"),
    ])
    func theNextOpeningIsInTheHostsTimeZone(window: String, zone: String, now: String, next: String) throws {
        let window = try #require(DigestWindow(parsing: window))
        let timeZone = try #require(TimeZone(identifier: zone))
        #expect(window.next(after: Self.instant(now), in: timeZone) == Self.instant(next))
    }
}
