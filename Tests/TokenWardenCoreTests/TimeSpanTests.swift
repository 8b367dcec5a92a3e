import Testing
import TokenWardenCore

@Suite struct TimeSpanTests {
    @Test(
        arguments: [
            ("90d", 90 * 86_400), ("12h", 43_200), ("30m", 1_800), ("0s", 0), ("45s", 45), ("2w", 1_209_600),
            ("1h30m", 5_400), (" 7D ", 604_800), ("P90D", 90 * 86_400), ("PT12H", 43_200), ("P1DT2H3M4S", 93_784),
            ("P2W", 1_209_600), ("pt30m", 1_800),
        ] as [(String, Int64)])
    func parsesShortAndISOForms(text: String, seconds: Int64) throws {
        #expect(try TimeSpan(parsing: text).seconds == seconds)
    }

    @Test(arguments: [
        ("", "it is empty"), ("90", "it has no unit; write \"90d\""), ("1h30", "the last number has no unit"),
        ("90y", "unknown unit \"y\""), ("30days", "unknown unit \"days\": use d, h, m, s or w"), ("1h30mins", "unknown unit \"mins\""),
        ("-5d", "cannot be negative"), ("d", "a number must come before \"d\""),
        ("P1M", "years and months have no fixed length"), ("P1Y", "years and months have no fixed length"),
        ("P", "incomplete ISO-8601 duration"), ("PT", "incomplete ISO-8601 duration"), ("P5H", "\"H\" is not valid here"),
        ("99999999999999999999d", "too large"), ("9999999999999999d", "too large"),
    ])
    func refusesWithAMessageThatSaysWhy(text: String, reason: String) {
        #expect {
            try TimeSpan(parsing: text)
        } throws: { error in
            let message = (error as? TimeSpan.ParseError)?.description ?? ""
            return message.contains(reason) && message.contains("\"\(text)\" is not a duration")
        }
    }

    @Test(
        arguments: [(0, "0s"), (90 * 86_400, "90d"), (14 * 86_400, "14d"), (86_400 + 43_200, "1d12h"), (5_400, "1h30m"), (61, "1m1s")]
            as [(Int64, String)])
    func printsTheShortestExactForm(seconds: Int64, text: String) throws {
        #expect(TimeSpan(seconds: seconds).description == text)
        #expect(try TimeSpan(parsing: text).seconds == seconds)
    }
}
