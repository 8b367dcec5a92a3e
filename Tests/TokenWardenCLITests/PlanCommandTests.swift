import Foundation
import Testing
import TokenWardenCore
import TokenWardenStore
import TokenWardenTestSupport

@testable import TokenWardenCLI

/// `tokenwarden plan` over a stored inventory.
@Suite struct PlanCommandTests {
    static let policy = """
        [[rule]]
        name = "warn"
        when.expires_within = "14d"
        action = "notify"

        [[rule]]
        name = "rotate-old"
        match.provider = "awx-main"
        when.age_over = "60d"
        action = "rotate"
        deliver.command = ["/usr/local/bin/reload-app", "{token_id}"]
        """

    /// An old rotatable token of carol (user 9), whose credential tokenwarden does not hold.
    static func carolsToken(now: Date = Date()) -> ObservedToken {
        ObservedToken(
            id: "7", name: "carols-bot", owner: "carol", scopes: ["read"], createdAt: now - 90 * 86_400,
            expiresAt: now + 300 * 86_400, extras: ["user_id": "9"])
    }

    /// A stored inventory as a sync leaves it: tokenwarden signs in to awx-main as admin (user 1),
    /// who owns the deploy-bot token; `extra` tokens are added to it.
    func seeded(extra: [ObservedToken] = []) throws -> CLITests.Setup {
        let setup = try CLITests.Setup(policy: Self.policy)
        let now = Date()
        let store = try TokenStore.open(path: setup.database)
        try store.registerProviders(
            [ProviderConfig(id: "awx-main", kind: .awx, baseURL: "https://awx.example.com", credential: .systemd(name: "x"))], at: now)
        let listing = ListingSightings()
        try store.recordObservations(
            extra + [
                ObservedToken(
                    id: "4", name: "deploy-bot", owner: "admin", scopes: ["write"], createdAt: now - 90 * 86_400, expiresAt: now + 3 * 86_400,
                    extras: ["user_id": "1"]),
                ObservedToken(id: "5", name: "fresh", createdAt: now - 10 * 86_400, expiresAt: now + 300 * 86_400),
                ObservedToken(id: "6", name: "reporting", createdAt: now - 10 * 86_400, expiresAt: now + 5 * 86_400),
            ], provider: "awx-main", at: now, sightings: listing)
        try store.endListing(
            ListingEnd(provider: "awx-main", sightings: listing, startedAt: now, finishedAt: now, identity: ProviderIdentity(id: "1", name: "admin")))
        return setup
    }

    @Test func plansByRuleWithReasonsAndSaysItIsReportOnly() async throws {
        let setup = try seeded()
        let result = try await setup.run("plan")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("warn (notify): 1 token\n  awx-main/6  \"reporting\"  expires in 4 days"))
        #expect(result.stdout.contains("rotate-old (rotate): 1 token\n  awx-main/4  \"deploy-bot\"  created 90 days ago"))
        #expect(result.stdout.contains("(also matched: warn)"))
        #expect(result.stdout.contains("Report-only (enforce = false)"))
        #expect(!result.stdout.contains("\"fresh\""))
    }

    @Test func printsDecisionsAsJSON() async throws {
        let setup = try seeded()
        let result = try await setup.run("plan", "--json")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(rows.map { $0["id"] as? String } == ["4", "6"])
        #expect(rows[0]["action"] as? String == "rotate" && rows[0]["matched_rules"] as? [String] == ["warn", "rotate-old"])
        #expect(rows[0]["hold"] is NSNull)
    }

    @Test func aRotationOfAnotherOwnersTokenIsShownAsNeedingAPersonAndIsNoWrite() async throws {
        let setup = try seeded(extra: [Self.carolsToken()])
        let result = try await setup.run("plan")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("awx-main/7  \"carols-bot\"  created 90 days ago"))
        #expect(
            result.stdout.contains(
                "[needs a person: tokenwarden holds no credential of its owner \"carol\"; a new token would be someone else's. "
                    + "Add [[provider.owner]] name = \"carol\" credential = \"…\" to provider awx-main]"), "\(result.stdout)")
        let json = try await setup.run("plan", "--json")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(rows.first { $0["id"] as? String == "7" }?["hold"] as? String == "owner-credential-missing")
        #expect(rows.first { $0["id"] as? String == "4" }?["hold"] is NSNull)
    }

    @Test func validateSaysWhomEachCredentialSignsInAsAndHowManyRotationsNeedAPerson() async throws {
        let setup = try seeded(extra: [Self.carolsToken()])
        let result = try await setup.run("validate")
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("    awx-main: admin (id 1), as the provider said"), "\(result.stdout)")
        #expect(result.stdout.contains("warning: 1 rotation in the inventory needs a person"), "\(result.stdout)")
        let plan = try await setup.run("plan")
        #expect(plan.stdout.contains("1 rotation needs a person (marked above)"), "\(plan.stdout)")
    }

    @Test func anInvalidPolicyStopsThePlanWithExitTwo() async throws {
        let setup = try CLITests.Setup(policy: "[[rule]]\nname = \"x\"\naction = \"notify\"\n")
        let result = try await setup.run("plan")
        #expect(result.status == 2)
        #expect(result.stderr.contains("key \"when\": missing"))
    }
}

@Suite struct PlanRenderingTests {
    @Test func anEnforcingPlanMarksWhatTheBlastRadiusLimitWouldHoldBack() {
        let now = Date()
        let rule = Rule(name: "stale", sourceFile: "10.toml", triggers: [.ageOver(.days(30))], action: .revoke)
        let decisions = ["1", "2", "3"].map { id in
            Decision(
                token: Token(provider: "awx", id: id, name: "ci-\(id)", state: .active, firstSeenAt: now, lastSeenAt: now),
                action: .revoke, rule: "stale", matchedRules: ["stale"], reason: "created 90 days ago")
        }
        let text = Plan.render(
            PlanOutline(decisions: decisions, budget: ActionBudget(total: 2), listing: nil), rules: [rule], enforce: true,
            budget: ActionBudget(total: 2))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(
            lines.filter { $0.contains("[held back next cycle: beyond [daemon] max_actions_per_cycle = 2]") }.map { $0.contains("awx/3") } == [true])
        #expect(
            text.hasSuffix(
                "the next cycle carries out 2 of 3 revokes and rotations (max_actions_per_cycle = 2; the rest in later cycles); "
                    + "notifications are reported once per crossing."
            ))
    }

    @Test func aDecisionOutsideItsWindowGivesTheOpeningInUTCOrLocalTime() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var decision = Decision(
            token: Token(provider: "awx", id: "1", name: "ci-1", state: .active, firstSeenAt: now, lastSeenAt: now),
            action: .revoke, rule: "stale", matchedRules: ["stale"], reason: "created 90 days ago", hold: .outsideWindow)
        decision.windowOpens = try ProviderTimestamp.parse("2027-01-18T08:00:00Z").date
        let rule = Rule(name: "stale", sourceFile: "10.toml", triggers: [.ageOver(.days(30))], action: .revoke)
        let outline = PlanOutline(decisions: [decision], budget: ActionBudget(total: 2), listing: nil)
        let utc = Plan.render(outline, rules: [rule], enforce: true, budget: ActionBudget(total: 2))
        #expect(utc.contains("[held: outside the rule's window, it opens 2027-01-18T08:00:00Z]"), "\(utc)")
        let berlin = Plan.render(
            outline, rules: [rule], enforce: true, budget: ActionBudget(total: 2), time: HumanTime(zone: TimeZone(identifier: "Europe/Berlin")!))
        #expect(berlin.contains("it opens 2027-01-18T09:00:00+01:00"), "\(berlin)")
    }

    @Test func aRuleWithManyTokensListsTheFirstAndCountsTheRest() {
        let now = Date()
        let rule = Rule(name: "stale", sourceFile: "10.toml", triggers: [.ageOver(.days(30))], action: .notify)
        let decisions = (1...30).map { id in
            Decision(
                token: Token(provider: "awx", id: String(id), name: "ci-\(id)", state: .active, firstSeenAt: now, lastSeenAt: now),
                action: .notify, rule: "stale", matchedRules: ["stale"], reason: "created 90 days ago")
        }
        let short = Plan.render(
            PlanOutline(decisions: decisions, budget: ActionBudget(total: 2), listing: 25), rules: [rule], enforce: false,
            budget: ActionBudget(total: 2))
        #expect(short.hasPrefix("stale (notify): 30 tokens\n"))
        #expect(short.split(separator: "\n").filter { $0.hasPrefix("  awx/") }.count == 25)
        #expect(short.contains("\n  … and 5 more (--all lists them, --json prints every decision)\n"))
        let all = Plan.render(
            PlanOutline(decisions: decisions, budget: ActionBudget(total: 2), listing: nil), rules: [rule], enforce: false,
            budget: ActionBudget(total: 2))
        #expect(all.split(separator: "\n").filter { $0.hasPrefix("  awx/") }.count == 30)
        #expect(!all.contains("more (--all"))
    }
}
