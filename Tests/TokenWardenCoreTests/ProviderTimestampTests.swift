import Foundation
import Testing
import TokenWardenCore

@Suite struct ProviderTimestampTests {
    /// Every shape the five providers are documented (or seen) to send, with the UTC instant it means.
    @Test(arguments: [
        ("2025-07-11T18:45:37.098Z", 1_752_259_537.098, true),  // SailPoint: milliseconds, Z
        ("2025-02-23T14:39:32.618932Z", 1_740_321_572.618932, true),  // AWX: microseconds
        ("3024-06-25T14:39:32.618279Z", 33_276_235_172.618279, true),  // AWX: the thousand-year expiry
        ("2025-03-14T10:53:38.823+08:00", 1_741_920_818.823, true),  // 12d Synergy: offset
        ("2025-09-10T10:53:38.67+08:00", 1_757_472_818.67, true),  // 12d Synergy: two digits
        ("2025-01-10T08:00:00Z", 1_736_496_000, true),  // Cryptlex: no fraction
        ("2025-01-10T08:00:00.1234567Z", 1_736_496_000.1234567, true),  // .NET: seven digits
        ("2025-01-10T08:00:00.123456789-05:30", 1_736_515_800.123456789, true),  // nine digits, negative offset
        ("2025-01-10T08:00:00.Z", 1_736_496_000, true),  // a bare dot
        ("2025-01-10T08:00:00+0100", 1_736_492_400, true),  // offset without colon
        ("2025-01-10T08:00:00+01", 1_736_492_400, true),  // hours-only offset
        ("2025-01-10 08:00:00z", 1_736_496_000, true),  // space separator, lower-case z
        ("2024-12-17T22:51:58.097", 1_734_475_918.097, false),  // 12d jobs: no offset → UTC, flagged
        ("2025-01-10T08:00Z", 1_736_496_000, true),  // no seconds
        ("2024-02-29T00:00:00Z", 1_709_164_800, true),  // leap day
        ("1969-12-31T23:59:59Z", -1, true),  // before the epoch
    ])
    func parsesEveryProviderShape(text: String, epoch: Double, hadOffset: Bool) throws {
        let parsed = try ProviderTimestamp.parse(text)
        #expect(abs(parsed.date.timeIntervalSince1970 - epoch) < 0.000_01)
        #expect(parsed.hadOffset == hadOffset)
    }

    @Test(arguments: [
        ("", "expected 4 digits for the year"), ("2025-13-01T00:00:00Z", "no such date"),
        ("2025-02-29T00:00:00Z", "no such date"), ("2025-01-10T24:00:00Z", "no such time of day"),
        ("2025-01-10", "expected \"T\""), ("2025-01-10T08:00:00.1234567890Z", "more than 9 fractional digits"),
        ("2025-01-10T08:00:00+25:00", "no such UTC offset"), ("2025-01-10T08:00:00Z junk", "unexpected text"),
        ("10/01/2025 08:00", "expected 4 digits for the year"),
    ])
    func refusesWhatIsNotATimestamp(text: String, reason: String) {
        #expect {
            try ProviderTimestamp.parse(text)
        } throws: { error in
            (error as? ProviderTimestamp.ParseError)?.description.contains(reason) == true
        }
    }

    @Test(arguments: ["2025-07-11T18:45:37Z", "3024-06-25T14:39:32Z", "1970-01-01T00:00:00Z", "2000-02-29T23:59:59Z", "1969-07-20T20:17:40Z"])
    func formatsWhatItParses(text: String) throws {
        #expect(ProviderTimestamp.format(try ProviderTimestamp.parse(text).date) == text)
    }

    @Test func formatsUTCWithZAndWholeSeconds() {
        #expect(ProviderTimestamp.format(Date(timeIntervalSince1970: 1_752_259_537.998)) == "2025-07-11T18:45:37Z")
        #expect(ProviderTimestamp.formatDay(Date(timeIntervalSince1970: 1_752_259_537)) == "2025-07-11")
    }

    /// `--json` keeps the milliseconds the store keeps, always three digits: 12d Synergy's `…38.67+08:00` is `…38.670Z`.
    @Test(arguments: [
        ("2025-09-10T10:53:38.67+08:00", "2025-09-10T02:53:38.670Z"),
        ("2025-09-10T02:53:38Z", "2025-09-10T02:53:38.000Z"),
        ("2025-09-10T02:53:38.001Z", "2025-09-10T02:53:38.001Z"),
        ("1969-12-31T23:59:59.500Z", "1969-12-31T23:59:59.500Z"),
    ])
    func jsonInstantsKeepTheirMilliseconds(text: String, printed: String) throws {
        #expect(ProviderTimestamp.formatExact(try ProviderTimestamp.parse(text).date.atMillisecondPrecision) == printed)
    }
}
