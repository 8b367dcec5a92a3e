import Foundation
import Testing
import TokenWardenCore

/// The forecast as tables: which week an expiry, a due write and a notice fall in, from fixed facts.
@Suite struct ForecastTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)  // Friday 2027-01-15T08:00:00Z
    static let day: TimeInterval = 86_400
    static let utc = TimeZone(identifier: "UTC")!
    static let providers = [
        ProviderConfig(id: "sp", kind: .sailPoint, baseURL: "https://sp", credential: .systemd(name: "s")),
        ProviderConfig(id: "awx", kind: .awx, baseURL: "https://awx", credential: .systemd(name: "a")),
    ]

    static func token(_ id: String, provider: String = "awx", created: Double? = -10, expires: Double? = nil, used: Double? = nil) -> Token {
        Token(
            provider: provider, id: id, name: "t\(id)", createdAt: created.map { now + $0 * day }, expiresAt: expires.map { now + $0 * day },
            lastUsedAt: used.map { now + $0 * day }, state: .active, firstSeenAt: now, lastSeenAt: now)
    }

    static func rule(_ name: String, _ action: RuleAction, _ triggers: [Trigger]) -> Rule {
        Rule(name: name, sourceFile: "10.toml", triggers: triggers, action: action, delivery: action == .rotate ? .file(path: "/t") : nil)
    }

    static func forecast(_ tokens: [Token], _ rules: [Rule], weeks: Int = 12, timeZone: TimeZone = utc, protected: Set<String> = []) -> Forecast {
        var forecast = Forecast(weeks: weeks, now: now, timeZone: timeZone)
        forecast.add(tokens, rules: rules, providers: providers, protected: protected)
        forecast.sort()
        return forecast
    }

    /// Week index → references, for each list.
    static func placed(_ forecast: Forecast, _ list: KeyPath<Forecast.Week, [Forecast.Due]>) -> [Int: [String]] {
        var placed: [Int: [String]] = [:]
        for (index, week) in forecast.weeks.enumerated() where !week[keyPath: list].isEmpty {
            placed[index] = week[keyPath: list].map { "\($0.reference) \($0.action.rawValue)" }
        }
        return placed
    }

    @Test func weeksStartOnMondayAndA2027ExpiryFallsInItsWeek() {
        let forecast = Self.forecast([Self.token("1", expires: 46.5)], [])  // 2027-03-02T20:00Z, a Tuesday
        #expect(forecast.weeks.map(\.day).prefix(3) == ["2027-01-11", "2027-01-18", "2027-01-25"])
        let week = forecast.weeks.firstIndex { !$0.expiring.isEmpty }
        #expect(week.map { forecast.weeks[$0].day } == "2027-03-01")
        #expect(forecast.weeks.count == 12)
    }

    @Test func aWeekInBerlinStartsAtLocalMidnightAcrossTheDaylightSavingChange() {
        let forecast = Self.forecast([], [], weeks: 12, timeZone: TimeZone(identifier: "Europe/Berlin")!)
        let spring = forecast.weeks.first { $0.day == "2027-03-29" }
        // The Monday after the change is CEST: midnight local is 22:00 UTC the day before.
        #expect(spring?.start == (try? ProviderTimestamp.parse("2027-03-28T22:00:00Z").date))
        #expect(forecast.weeks.first?.start == (try? ProviderTimestamp.parse("2027-01-10T23:00:00Z").date))
    }

    @Test(
        arguments: [
            (
                "age_over comes due when the token is that old", token("1", created: -80), rule("old", .revoke, [.ageOver(.days(90))]),
                [2: ["awx/1 revoke"]]
            ),
            ("what holds now is plan's, not the forecast's", token("1", created: -100), rule("old", .revoke, [.ageOver(.days(90))]), [:]),
            ("AWX reports no last use: unused_for never comes due", token("1", created: -80), rule("idle", .revoke, [.unusedFor(.days(90))]), [:]),
            (
                "SailPoint does: unused_for counts from the last use", token("2", provider: "sp", created: -300, used: -70),
                rule("idle", .revoke, [.unusedFor(.days(90))]), [3: ["sp/2 revoke"]]
            ),
            ("a rotation due after expiry never comes", token("1", created: -80, expires: 5), rule("old", .rotate, [.ageOver(.days(90))]), [:]),
            (
                "expires_within comes due its span before expiry", token("1", expires: 40), rule("soon", .rotate, [.expiresWithin(.days(14))]),
                [4: ["awx/1 rotate"]]
            ),
            ("beyond the horizon, nothing", token("1", created: -1), rule("old", .revoke, [.ageOver(.days(365))]), [:]),
        ] as [(String, Token, Rule, [Int: [String]])])
    func aWriteFallsInTheWeekItComesDue(_ situation: String, token: Token, rule: Rule, weeks: [Int: [String]]) {
        #expect(Self.placed(Self.forecast([token], [rule]), \.actions) == weeks, "\(situation)")
    }

    @Test func eachLeadTimeIsANoticeAndNoneComesAfterTheTokensFirstWrite() {
        var warn = Self.rule("warn", .notify, [.expiresWithin(.days(30))])
        warn.leadTimes = [.days(30), .days(7)]
        let notices = Self.forecast([Self.token("1", expires: 40)], [warn])
        #expect(Self.placed(notices, \.notices) == [2: ["awx/1 notify"], 5: ["awx/1 notify"]])
        // Revoked at 90 days of age (day 5 from now): the notices of days 10 and 33 never come.
        let revoked = Self.forecast([Self.token("1", created: -85, expires: 40)], [warn, Self.rule("old", .revoke, [.ageOver(.days(90))])])
        #expect(Self.placed(revoked, \.notices).isEmpty)
        #expect(Self.placed(revoked, \.actions) == [1: ["awx/1 revoke"]])
    }

    @Test func tokenwardensOwnCredentialIsNotWrittenButItsNoticesCome() {
        let rules = [Self.rule("old", .revoke, [.ageOver(.days(90))]), Self.rule("soon", .notify, [.expiresWithin(.days(7))])]
        let forecast = Self.forecast([Self.token("1", created: -80, expires: 20)], rules, protected: ["awx/1"])
        #expect(Self.placed(forecast, \.actions).isEmpty)
        #expect(Self.placed(forecast, \.notices) == [2: ["awx/1 notify"]])
    }

    @Test func moreWritesOnOneDayThanOneCycleMayMakeIsAPileUp() {
        let tokens = (1...3).map { Self.token(String($0), created: -85) } + [Self.token("9", provider: "sp", created: -85)]
        let forecast = Self.forecast(tokens, [Self.rule("old", .revoke, [.ageOver(.days(90))])])
        #expect(forecast.pileUps { $0 == "awx" ? 2 : 5 } == [Forecast.PileUp(provider: "awx", day: "2027-01-20", actions: 3, limit: 2)])
        #expect(forecast.pileUps { _ in 3 }.isEmpty)
    }
}

extension ForecastTests {
    @Test func aRuleWithAWindowComesDueAtItsNextOpening() throws {
        var rule = Self.rule("old", .revoke, [.ageOver(.days(90))])
        // Due Wednesday 2027-01-20 08:00 UTC; the rule acts on Saturdays only.
        rule.windows = [try ActionWindow(parsing: "Sat 09:00-10:00")]
        let forecast = Self.forecast([Self.token("1", created: -85)], [rule])
        let action = try #require(forecast.weeks.flatMap(\.actions).first)
        #expect(action.due == (try ProviderTimestamp.parse("2027-01-23T09:00:00Z").date))
    }
}
