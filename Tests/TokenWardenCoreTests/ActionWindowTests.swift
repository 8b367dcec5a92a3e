import Foundation
import Testing
import TokenWardenCore

/// Rule windows: what they accept, when they are open, and when they next open, across DST.
@Suite struct ActionWindowTests {
    static let utc = TimeZone(identifier: "UTC")!
    static let berlin = TimeZone(identifier: "Europe/Berlin")!

    static func at(_ text: String) -> Date { try! ProviderTimestamp.parse(text).date }

    @Test(
        arguments: [
            ("Mon-Fri 09:00-16:00", "Mon-Fri 09:00-16:00"), ("sat 10:00-12:00", "Sat 10:00-12:00"),
            ("Mon,Wed,Fri-Sun 00:00-24:00", "Mon,Wed,Fri-Sun 00:00-24:00"), ("Tue,Mon 08:30-09:15", "Mon-Tue 08:30-09:15"),
        ])
    func aWindowIsReadAndWrittenBackNormalised(_ text: String, _ normalised: String) throws {
        #expect(try ActionWindow(parsing: text).description == normalised)
    }

    @Test(
        arguments: [
            ("Mon-Fri", "is not a window; write days and hours"), ("Mon-Fry 09:00-16:00", "\"Mon-Fry\" in"),
            ("Fri-Mon 09:00-16:00", "runs backwards; weeks start on Monday, so write \"Fri-Sun,Mon\""),
            ("Mon 9:00-16:00", "is not a span of hours"), ("Mon 16:00-09:00", "ends before it starts; a window stays within one day"),
            ("Mon 09:00-24:30", "is not a span of hours"), ("Mon 24:00-24:00", "is not a span of hours"), ("Mon 09:60-10:00", "is not a span"),
            ("Mon, 09:00-10:00", "\"\" in"),
            ("Fri-Mon 25:00-26:00", "runs backwards; weeks start on Monday, so write \"Fri-Sun,Mon\"; and \"25:00-26:00\" in"),
        ])
    func aBadWindowSaysWhatIsWrong(_ text: String, _ says: String) {
        #expect {
            _ = try ActionWindow(parsing: text)
        } throws: { error in
            "\(error)".contains(says)
        }
    }

    @Test(
        arguments: [
            // 2027-01-15 is a Friday.
            ("2027-01-15T08:59:59Z", false), ("2027-01-15T09:00:00Z", true), ("2027-01-15T15:59:59Z", true),
            ("2027-01-15T16:00:00Z", false), ("2027-01-16T10:00:00Z", false), ("2027-01-18T12:00:00Z", true),
        ])
    func aWindowIsOpenFromItsStartUntilJustBeforeItsEnd(_ instant: String, _ open: Bool) throws {
        let window = try ActionWindow(parsing: "Mon-Fri 09:00-16:00")
        #expect(window.contains(Self.at(instant), in: Self.utc) == open)
    }

    @Test func windowsKeepTheirLocalHoursAcrossDaylightSavingChanges() throws {
        let window = try ActionWindow(parsing: "Mon-Sun 09:00-10:00")
        // Berlin: CET (UTC+1) in January, CEST (UTC+2) after 2027-03-28.
        #expect(window.contains(Self.at("2027-01-15T08:30:00Z"), in: Self.berlin))
        #expect(window.contains(Self.at("2027-03-29T07:30:00Z"), in: Self.berlin))
        #expect(!window.contains(Self.at("2027-03-29T08:30:00Z"), in: Self.berlin))
        // From the Saturday before the change, the next opening is 09:00 local on Sunday: 07:00 UTC.
        #expect(window.nextOpening(after: Self.at("2027-03-27T09:30:00Z"), in: Self.berlin) == Self.at("2027-03-28T07:00:00Z"))
    }

    @Test func anOpeningTheClockSkipsComesAtTheFirstMomentAfterTheGap() throws {
        // 02:00-03:00 does not exist in Berlin on 2027-03-28: 01:59:59 CET is followed by 03:00 CEST.
        let window = try ActionWindow(parsing: "Sun 02:30-04:00")
        #expect(window.nextOpening(after: Self.at("2027-03-27T12:00:00Z"), in: Self.berlin) == Self.at("2027-03-28T01:00:00Z"))
    }

    @Test func theNextOpeningWrapsIntoNextWeekAndTakesTheEarliestWindow() throws {
        let windows = [try ActionWindow(parsing: "Mon 09:00-10:00"), try ActionWindow(parsing: "Fri 14:00-15:00")]
        // Friday 15:30: next is Monday 09:00.
        #expect(ActionWindow.nextOpening(of: windows, after: Self.at("2027-01-15T15:30:00Z"), in: Self.utc) == Self.at("2027-01-18T09:00:00Z"))
        #expect(ActionWindow.nextOpening(of: windows, after: Self.at("2027-01-15T08:00:00Z"), in: Self.utc) == Self.at("2027-01-15T14:00:00Z"))
        #expect(ActionWindow.isOpen([], at: Self.at("2027-01-15T03:00:00Z"), in: Self.utc))
    }
}
