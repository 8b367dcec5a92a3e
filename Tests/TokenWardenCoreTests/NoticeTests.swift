import Foundation
import Testing
import TokenWardenCore

/// Lead times, snoozes and exemptions, as the engine decides them: tables over `now`.
@Suite struct NoticeTests {
    static let now = PolicyEngineTests.now
    static let day = PolicyEngineTests.day
    static let providers = PolicyEngineTests.providers

    static var warn: Rule {
        var rule = PolicyEngineTests.rule("warn", .notify, [.expiresWithin(.days(30))])
        rule.leadTimes = [.days(30), .days(7), .days(1)]
        return rule
    }

    static func decide(_ token: Token, _ rules: [Rule], at now: Date = now, suspended: [String: Suspension] = [:]) -> Decision? {
        PolicyEngine.evaluate(
            tokens: [token], rules: rules, providers: providers, signers: .everyOwner(of: providers), suspended: suspended, now: now
        ).first
    }

    /// (days until expiry, the lead time crossed; nil: the rule does not fire).
    static let leadTimes: [(Double, TimeSpan?)] = [
        (45, nil), (30.5, nil), (30, .days(30)), (29, .days(30)), (7.5, .days(30)), (7, .days(7)), (6.9, .days(7)),
        (1.01, .days(7)), (1, .days(1)), (0.2, .days(1)), (0, nil), (-3, nil),
    ]

    @Test(arguments: leadTimes)
    func eachLeadTimeIsAThresholdOfItsOwn(daysLeft: Double, crossed: TimeSpan?) {
        let decision = Self.decide(PolicyEngineTests.token(expires: daysLeft), [Self.warn])
        #expect(decision?.leadTime == crossed)
        if crossed != nil { #expect(decision?.reason.hasSuffix("rule warn allows 30d/7d/1d before expiry") == true) }
    }

    /// Time passing within one lead time keeps the facts (no second notice); crossing the next changes
    /// them (one more), and so does a changed expiry.
    @Test func aNoticeIsRepeatedOnlyAtTheNextLeadTimeOrWhenTheFactsChange() throws {
        let token = PolicyEngineTests.token(expires: 20)
        let key = { (now: Date, token: Token) in try #require(Self.decide(token, [Self.warn], at: now)).factsKey }
        let first = try key(Self.now, token)
        #expect(try key(Self.now + 5 * Self.day, token) == first)
        let week = try key(Self.now + 14 * Self.day, token)
        #expect(week != first)
        #expect(try key(Self.now + 16 * Self.day, token) == week)
        var renewed = token
        renewed.expiresAt = token.expiresAt.map { $0 + 3 * Self.day }
        #expect(try key(Self.now, renewed) != first)
    }

    /// How close to its deadline a notice is: the lead time, 0 once expired, nothing for other notices.
    @Test func theStageOfANoticeCountsDownToExpiry() throws {
        let week = try #require(Self.decide(PolicyEngineTests.token(expires: 5), [Self.warn]))
        #expect(week.noticeStage(at: Self.now) == TimeSpan.days(7).seconds)
        let expired = try #require(Self.decide(PolicyEngineTests.token(expires: -1), [PolicyEngineTests.rule("gone", .notify, [.expired])]))
        #expect(expired.noticeStage(at: Self.now) == 0)
        let stale = try #require(
            Self.decide(PolicyEngineTests.token(created: -400, used: -200), [PolicyEngineTests.rule("stale", .notify, [.unusedFor(.days(90))])]))
        #expect(stale.noticeStage(at: Self.now) == nil)
    }

    struct Held: Sendable, CustomTestStringConvertible {
        let label: String
        let suspension: Suspension?
        let at: Double
        let hold: Decision.Hold?
        var testDescription: String { label }
    }

    static let snooze = Suspension(kind: .snooze, until: now + 10 * day, reason: "vendor renews it", by: "alice (uid 1000)", at: now)
    static let exempt = Suspension(kind: .exempt, until: nil, reason: "break-glass", by: "alice (uid 1000)", at: now)

    static let held: [Held] = [
        Held(label: "no suspension", suspension: nil, at: 0, hold: nil),
        Held(label: "snoozed", suspension: snooze, at: 0, hold: .snoozed),
        Held(label: "snoozed, last day", suspension: snooze, at: 9.9, hold: .snoozed),
        Held(label: "snooze over", suspension: snooze, at: 10, hold: nil),
        Held(label: "exempt", suspension: exempt, at: 0, hold: .exempt),
        Held(label: "exempt, years later", suspension: exempt, at: 900, hold: .exempt),
    ]

    /// A snooze holds every action, a notice included, until its date; an exemption until it is lifted.
    @Test(arguments: held, [RuleAction.notify, .revoke, .rotate])
    func aSnoozeOrExemptionHoldsEveryActionWhileItLasts(_ row: Held, action: RuleAction) throws {
        let now = Self.now + row.at * Self.day
        let token = PolicyEngineTests.token("awx", created: -500 + row.at)
        let rule = PolicyEngineTests.rule("r", action, [.ageOver(.days(100))])
        // What the store returns: the suspensions that still hold.
        let active = row.suspension.map { $0.holds(at: now) ? ["awx/1": $0] : [:] } ?? [:]
        let decision = try #require(Self.decide(token, [rule], at: now, suspended: active))
        #expect(decision.hold == row.hold)
        #expect(decision.suspension == (row.hold == nil ? nil : row.suspension))
    }

    /// `plan`'s counting pass agrees: a suspended token is counted as held, whatever its action.
    @Test func theTallyCountsSuspendedTokensAsHeld() {
        let rules = [PolicyEngineTests.rule("r", .revoke, [.ageOver(.days(100))], provider: "awx")]
        var tally = DecisionTally(
            rules: rules, providers: Self.providers, protected: [], signers: .everyOwner(of: Self.providers), suspended: ["awx/2"],
            budget: ActionBudget(total: 10), listing: 5)
        tally.add(provider: "awx", rule: 0, name: "a", id: { "1" })
        tally.add(provider: "awx", rule: 0, name: "b", id: { "2" })
        let decisions = ["1", "2"].map { id in
            Self.decide(
                PolicyEngineTests.token("awx", id: id, name: id == "1" ? "a" : "b"), rules,
                suspended: id == "2" ? ["awx/2": Self.exempt] : [:])!
        }
        let outline = tally.outline(decisions)
        #expect(outline?.held == 1)
        #expect(outline?.writes == 1)
    }
}
