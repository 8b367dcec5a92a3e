import Foundation
import Testing
import TokenWardenCore
import TokenWardenTestSupport

@Suite struct DecisionTallyTests {
    @Test(arguments: 0..<40)
    func aTallyOfStreamedWinnersOutlinesThePlanAsEveryDecisionDoes(seed: UInt64) {
        let example = RandomPolicyCase(seed: seed)
        let decisions = PolicyEngine.evaluate(
            tokens: example.tokens, rules: example.rules, providers: example.providers,
            protected: example.protected, signers: example.signers, now: RandomPolicyCase.now)
        let listing = [0, 1, 3, 25][Int(seed % 4)]
        var tally = DecisionTally(
            rules: example.rules, providers: example.providers, protected: example.protected,
            signers: example.signers, budget: example.budget, listing: listing)
        let ruleIndex = Dictionary(uniqueKeysWithValues: example.rules.enumerated().map { ($1.name, $0) })
        // A store hands rows over in its own order, not the engine's.
        var random = SeededGenerator(seed: seed)
        for decision in decisions.shuffled(using: &random) {
            tally.add(
                provider: decision.token.provider, rule: ruleIndex[decision.rule]!, name: decision.token.name, id: { decision.token.id },
                owner: { (decision.token.owner, decision.token.ownerID) })
        }
        let listed = Set(tally.listedKeys.map(\.reference))
        let outline = tally.outline(decisions.filter { listed.contains($0.token.reference) })
        #expect(outline == PlanOutline(decisions: decisions, budget: example.budget, listing: listing), "seed \(seed)")
    }

    @Test func aListedTokenTheEngineDecidesOtherwiseIsReportedNotPrinted() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)  // a fixed instant: Core tests never read the wall clock
        let rules = [
            Rule(name: "a", sourceFile: "10.toml", triggers: [.expired], action: .notify),
            Rule(name: "b", sourceFile: "10.toml", triggers: [.expired], action: .revoke),
        ]
        let providers = [ProviderConfig(id: "awx", kind: .awx, baseURL: "https://awx", credential: .systemd(name: "a"))]
        var tally = DecisionTally(
            rules: rules, providers: providers, protected: [],
            signers: .everyOwner(of: providers), budget: ActionBudget(total: 5), listing: 5)
        tally.add(provider: "awx", rule: 0, name: "ci", id: { "1" })
        let token = Token(provider: "awx", id: "1", name: "ci", state: .expired, firstSeenAt: now, lastSeenAt: now)
        let engine = Decision(token: token, action: .revoke, rule: "b", matchedRules: ["a", "b"], reason: "r")
        #expect(tally.outline([engine]) == nil)
        #expect(tally.outline([]) == nil)
    }
}
