import Foundation
import Testing
import TokenWardenCore

@Suite struct PolicyEngineTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15T08:00:00Z
    static let day: TimeInterval = 86_400
    static let providers = [
        ProviderConfig(id: "sp", kind: .sailPoint, baseURL: "https://sp", credential: .systemd(name: "s")),
        ProviderConfig(id: "awx", kind: .awx, baseURL: "https://awx", credential: .systemd(name: "a")),
    ]

    static func token(
        _ provider: String = "sp", id: String = "1", name: String = "ci-build", state: TokenState = .active,
        created: Double? = -500, expires: Double? = nil, used: Double? = nil
    ) -> Token {
        Token(
            provider: provider, id: id, name: name, createdAt: created.map { now + $0 * day },
            expiresAt: expires.map { now + $0 * day }, lastUsedAt: used.map { now + $0 * day }, state: state,
            firstSeenAt: now, lastSeenAt: now)
    }

    static func rule(_ name: String, _ action: RuleAction, _ triggers: [Trigger], provider: String? = nil, names: [String] = []) -> Rule {
        Rule(
            name: name, sourceFile: "10.toml", match: TokenMatch(providers: provider.map { [$0] } ?? [], names: names.map(Glob.init)),
            triggers: triggers, action: action, delivery: action == .rotate ? .file(path: "/t") : nil)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let label: String
        let token: Token
        let rules: [Rule]
        /// (action, winning rule, all matched, reason), or nil for no decision.
        let expected: (RuleAction, String, [String], String)?
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        Case(
            label: "expiring within the span", token: token(expires: 9.5), rules: [rule("warn", .notify, [.expiresWithin(.days(14))])],
            expected: (.notify, "warn", ["warn"], "expires in 9 days (2027-01-24); rule warn allows 14d before expiry")),
        Case(
            label: "expiring later than the span", token: token(expires: 20), rules: [rule("warn", .notify, [.expiresWithin(.days(14))])],
            expected: nil),
        Case(
            label: "already expired is not 'expiring'", token: token(state: .expired, expires: -1),
            rules: [rule("warn", .notify, [.expiresWithin(.days(14))])], expected: nil),
        Case(
            label: "no expiry is not 'expiring'", token: token(expires: nil), rules: [rule("warn", .notify, [.expiresWithin(.days(14))])],
            expected: nil),
        Case(
            label: "expired", token: token(state: .expired, expires: -3), rules: [rule("gone-bad", .revoke, [.expired])],
            expected: (.revoke, "gone-bad", ["gone-bad"], "expired 3 days ago (2027-01-12); rule gone-bad allows no expired token")),
        Case(
            label: "unused for longer than allowed", token: token(used: -412), rules: [rule("stale", .revoke, [.unusedFor(.days(365))])],
            expected: (.revoke, "stale", ["stale"], "unused for 412 days (last used 2025-11-29); rule stale allows 365d unused")),
        Case(
            label: "never used counts from creation", token: token(created: -400, used: nil),
            rules: [rule("stale", .revoke, [.unusedFor(.days(365))])],
            expected: (.revoke, "stale", ["stale"], "never used in the 400 days since it was created; rule stale allows 365d unused")),
        Case(label: "used recently", token: token(used: -10), rules: [rule("stale", .revoke, [.unusedFor(.days(365))])], expected: nil),
        Case(
            label: "no last-use data on AWX: the rule does not run there", token: token("awx", created: -900),
            rules: [rule("stale", .revoke, [.unusedFor(.days(365))])], expected: nil),
        Case(
            label: "older than allowed", token: token("awx", created: -75), rules: [rule("rotate-old", .rotate, [.ageOver(.days(60))])],
            expected: (.rotate, "rotate-old", ["rotate-old"], "created 75 days ago (2026-11-01); rule rotate-old allows 60d of age")),
        Case(
            label: "all triggers must hold", token: token(created: -75, used: -1),
            rules: [rule("old-and-idle", .notify, [.ageOver(.days(60)), .unusedFor(.days(30))])], expected: nil),
        Case(
            label: "all triggers hold, reasons joined", token: token(created: -75, used: -40),
            rules: [rule("old-and-idle", .notify, [.ageOver(.days(60)), .unusedFor(.days(30))])],
            expected: (
                .notify, "old-and-idle", ["old-and-idle"],
                "created 75 days ago (2026-11-01) and unused for 40 days (last used 2026-12-06); rule old-and-idle allows 60d of age, 30d unused"
            )),
        Case(
            label: "the strongest action wins and every match is recorded", token: token(created: -400, expires: 5, used: -400),
            rules: [
                rule("warn", .notify, [.expiresWithin(.days(14))]), rule("rotate-old", .rotate, [.ageOver(.days(365))]),
                rule("stale", .revoke, [.unusedFor(.days(90))]), rule("stale-too", .revoke, [.unusedFor(.days(30))]),
            ],
            expected: (
                .revoke, "stale", ["warn", "rotate-old", "stale", "stale-too"],
                "unused for 400 days (last used 2025-12-11); rule stale allows 90d unused"
            )),
        Case(
            label: "match filters select tokens", token: token(name: "deploy-bot", expires: 5),
            rules: [rule("ci-only", .notify, [.expiresWithin(.days(14))], names: ["ci-*"])], expected: nil),
        Case(
            label: "provider filter", token: token(expires: 5), rules: [rule("awx-only", .notify, [.expiresWithin(.days(14))], provider: "awx")],
            expected: nil),
        Case(
            label: "revoked tokens are skipped", token: token(state: .revoked, used: -900), rules: [rule("stale", .revoke, [.unusedFor(.days(30))])],
            expected: nil),
        Case(
            label: "gone tokens are skipped", token: token(state: .gone, used: -900), rules: [rule("stale", .revoke, [.unusedFor(.days(30))])],
            expected: nil),
        Case(
            label: "expired tokens are never rotated, but still notified",
            token: token("awx", state: .expired, created: -900, expires: -1),
            rules: [rule("rotate-old", .rotate, [.ageOver(.days(60))]), rule("tell", .notify, [.expired])],
            expected: (.notify, "tell", ["tell"], "expired 1 day ago (2027-01-14); rule tell allows no expired token")),
    ]

    @Test(arguments: cases)
    func decides(_ example: Case) {
        let decisions = PolicyEngine.evaluate(
            tokens: [example.token], rules: example.rules, providers: Self.providers,
            signers: .everyOwner(of: Self.providers), now: Self.now)
        guard let (action, rule, matched, reason) = example.expected else {
            #expect(decisions.isEmpty)
            return
        }
        #expect(decisions.count == 1)
        #expect(decisions.first?.action == action)
        #expect(decisions.first?.rule == rule)
        #expect(decisions.first?.matchedRules == matched)
        #expect(decisions.first?.reason == reason)
        #expect(decisions.first?.hold == nil)
    }

    @Test func tokenwardensOwnCredentialIsHeldFromRevokeAndRotateButStillNotified() {
        let own = Self.token(used: -400)
        let rules = [Self.rule("stale", .revoke, [.unusedFor(.days(90))])]
        let held = PolicyEngine.evaluate(
            tokens: [own], rules: rules, providers: Self.providers, protected: ["sp/1"],
            signers: .everyOwner(of: Self.providers), now: Self.now)
        #expect(held.first?.hold == .ownCredential)
        let notify = PolicyEngine.evaluate(
            tokens: [Self.token(expires: 3)], rules: [Self.rule("warn", .notify, [.expiresWithin(.days(7))])],
            providers: Self.providers, protected: ["sp/1"],
            signers: .everyOwner(of: Self.providers), now: Self.now)
        #expect(notify.first?.hold == nil)
    }

    @Test(
        arguments: [
            // (paused provider, rule window, action) → hold
            ("nothing", nil, nil, RuleAction.revoke, nil),
            ("a pause holds a revoke", "awx", nil, .revoke, Decision.Hold.paused),
            ("a pause of every provider holds a rotation", "*", nil, .rotate, .paused),
            ("a pause lets a notice go", "*", nil, .notify, nil),
            ("a pause of another provider holds nothing", "sp", nil, .revoke, nil),
            ("a closed window holds a notice", nil, "Mon-Fri 09:00-10:00", .notify, .outsideWindow),
            ("a closed window holds a revoke before the pause does", "*", "Sat 09:00-10:00", .revoke, .outsideWindow),
            ("an open window holds nothing", nil, "Fri 08:00-09:00", .revoke, nil),
        ] as [(String, String?, String?, RuleAction, Decision.Hold?)])
    func pausesAndWindowsHoldWhatTheyShould(
        _ situation: String, paused: String?, window: String?, action: RuleAction, hold: Decision.Hold?
    ) throws {
        var rule = Self.rule("r", action, [.ageOver(.days(30))])
        if let window { rule.windows = [try ActionWindow(parsing: window)] }
        let pauses = paused.map { [Pause(provider: $0 == "*" ? nil : $0, since: Self.now - 60, until: nil, reason: "freeze", by: "alice")] } ?? []
        let decisions = PolicyEngine.evaluate(
            tokens: [Self.token("awx")], rules: [rule], providers: Self.providers, signers: .everyOwner(of: Self.providers),
            paused: pauses, now: Self.now, timeZone: TimeZone(identifier: "UTC")!)
        #expect(decisions.count == 1, "\(situation)")
        #expect(decisions.first?.hold == hold, "\(situation)")
        if hold == .paused { #expect(decisions.first?.pause?.reason == "freeze") }
        if hold == .outsideWindow { #expect(decisions.first?.windowOpens != nil, "\(situation)") }
    }

    @Test(
        arguments: [
            ("no approval asked yet", nil, nil, Decision.Hold.awaitingApproval),
            ("pending", Approval.State.pending, nil, .awaitingApproval),
            ("approved for these facts", .approved, nil, nil),
            ("denied for these facts", .denied, nil, .denied),
            ("approved for other facts", .approved, "other|facts", .awaitingApproval),
            ("approved, but lapsed", .approved, "lapsed", .awaitingApproval),
        ] as [(String, Approval.State?, String?, Decision.Hold?)])
    func anApproveRuleWritesOnlyWithAnApprovalForTheSameFacts(
        _ situation: String, state: Approval.State?, facts: String?, hold: Decision.Hold?
    ) {
        var rule = Self.rule("r", .revoke, [.ageOver(.days(30))])
        rule.approve = true
        let token = Self.token("awx")
        let unapproved = PolicyEngine.evaluate(
            tokens: [token], rules: [rule], providers: Self.providers, signers: .everyOwner(of: Self.providers), now: Self.now)
        let key = unapproved.first?.approvalKey ?? ""
        let approvals =
            state.map { state in
                [
                    "awx/1": Approval(
                        provider: "awx", tokenID: "1", rule: "r", action: .revoke, facts: facts == "other|facts" ? facts! : key, reason: "",
                        state: state, requestedAt: Self.now - 60, expiresAt: facts == "lapsed" ? Self.now : Self.now + 60)
                ]
            } ?? [:]
        let decisions = PolicyEngine.evaluate(
            tokens: [token], rules: [rule], providers: Self.providers, signers: .everyOwner(of: Self.providers), approvals: approvals,
            now: Self.now)
        #expect(decisions.first?.hold == hold, "\(situation)")
        #expect(unapproved.first?.hold == .awaitingApproval)
    }

    @Test func aNoticeOfAnApproveRuleAndAPausedApprovedWriteAreNotAskedAgain() {
        var rule = Self.rule("r", .revoke, [.ageOver(.days(30))])
        rule.approve = true
        let token = Self.token("awx")
        let key =
            PolicyEngine.evaluate(
                tokens: [token], rules: [rule], providers: Self.providers, signers: .everyOwner(of: Self.providers), now: Self.now
            ).first?.approvalKey ?? ""
        let approved = Approval(
            provider: "awx", tokenID: "1", rule: "r", action: .revoke, facts: key, reason: "", state: .approved, requestedAt: Self.now - 60,
            expiresAt: Self.now + 60)
        let pause = Pause(provider: nil, since: Self.now - 60, until: nil, reason: "freeze", by: "alice")
        let decision = PolicyEngine.evaluate(
            tokens: [token], rules: [rule], providers: Self.providers, signers: .everyOwner(of: Self.providers), paused: [pause],
            approvals: ["awx/1": approved], now: Self.now
        ).first
        #expect(decision?.hold == .paused, "approved, and still paused")
        #expect(decision?.approvalKey == key, "the facts an approval binds to do not include the hold")
    }

    @Test func anApprovalKeyTellsApartWhatProviderTextCouldBlurAndAnEditedRule() {
        var rule = Self.rule("r", .rotate, [.ageOver(.days(30))])
        rule.approve = true
        func key(_ name: String, owner: String?, scopes: [String] = [], rule: Rule) -> String {
            var token = Self.token("awx", name: name)
            token.owner = owner
            token.scopes = scopes
            return PolicyEngine.evaluate(
                tokens: [token], rules: [rule], providers: Self.providers, signers: .everyOwner(of: Self.providers), now: Self.now
            ).first?.approvalKey ?? ""
        }
        #expect(key("a|b", owner: "c", rule: rule) != key("a", owner: "b|c", rule: rule))
        #expect(key("a", owner: "c", rule: rule) != key("a", owner: "c", scopes: ["admin"], rule: rule))
        var moved = rule
        moved.delivery = .file(path: "/elsewhere")
        #expect(key("a", owner: "c", rule: rule) != key("a", owner: "c", rule: moved), "an edited rule needs a new approval")
        #expect(key("a", owner: "c", rule: rule) == key("a", owner: "c", rule: rule))
    }

    @Test func aPauseEndsAtItsUntil() {
        let pause = Pause(provider: nil, since: Self.now - 60, until: Self.now + 60, reason: "x", by: "alice")
        #expect(pause.holds("awx", at: Self.now))
        #expect(!pause.holds("awx", at: Self.now + 60))
        #expect(Pause.holding("awx", in: [pause], at: Self.now + 61) == nil)
    }

    @Test func decisionsComeInAStableOrder() {
        let tokens = [
            Self.token("sp", id: "2", name: "b", expires: 1), Self.token("awx", id: "9", name: "z", expires: 1),
            Self.token("sp", id: "1", name: "a", expires: 1),
        ]
        let decisions = PolicyEngine.evaluate(
            tokens: tokens, rules: [Self.rule("warn", .notify, [.expiresWithin(.days(7))])],
            providers: Self.providers, signers: .everyOwner(of: Self.providers), now: Self.now)
        #expect(decisions.map(\.token.reference) == ["awx/9", "sp/1", "sp/2"])
    }
}

/// When tokenwarden's own credential draws a warning: 30, 7 and 1 days before expiry, and expired.
@Suite struct OwnCredentialWatchTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(
        arguments: [
            (40.0, nil), (30.0, 30 as Int64?), (20, 30), (7, 7), (6.9, 7), (1, 1), (0.5, 1), (0, 0), (-3, 0),
        ] as [(Double, Int64?)])
    func theShortestThresholdCrossedIsTheStage(daysLeft: Double, stageDays: Int64?) {
        let stage = OwnCredentialWatch.stage(expiresAt: Self.now + daysLeft * 86_400, now: Self.now)
        #expect(stage?.seconds == stageDays.map { $0 * 86_400 })
    }
}
