import Foundation
import Testing
import TokenWardenCore

@Suite struct ActionBudgetTests {
    static func decisions(_ references: [(String, String)]) -> [Decision] {
        references.map { provider, id in
            Decision(token: PolicyEngineTests.token(provider, id: id), action: .revoke, rule: "stale", matchedRules: ["stale"], reason: "r")
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let label: String
        let budget: ActionBudget
        let writes: [(String, String)]
        /// Ids acted on, in order, and the limit named for each held back.
        let within: [String]
        let beyond: [String: String]
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        Case(label: "under the limit: all act", budget: ActionBudget(total: 3), writes: [("a", "1"), ("b", "2")], within: ["1", "2"], beyond: [:]),
        Case(label: "exactly the limit", budget: ActionBudget(total: 2), writes: [("a", "1"), ("b", "2")], within: ["1", "2"], beyond: [:]),
        Case(
            label: "over the limit: the first in order act, the rest are held", budget: ActionBudget(total: 2),
            writes: [("a", "1"), ("a", "2"), ("b", "3"), ("b", "4")], within: ["1", "2"],
            beyond: ["3": "[daemon] max_actions_per_cycle = 2", "4": "[daemon] max_actions_per_cycle = 2"]),
        Case(
            label: "zero acts on nothing", budget: ActionBudget(total: 0), writes: [("a", "1")], within: [],
            beyond: ["1": "[daemon] max_actions_per_cycle = 0"]),
        Case(
            label: "a provider's own limit leaves room for others", budget: ActionBudget(total: 10, perProvider: ["a": 1]),
            writes: [("a", "1"), ("a", "2"), ("b", "3")], within: ["1", "3"],
            beyond: ["2": "max_actions_per_cycle = 1 of provider \"a\""]),
        Case(
            label: "the total still caps providers with their own limit", budget: ActionBudget(total: 1, perProvider: ["a": 5]),
            writes: [("a", "1"), ("a", "2")], within: ["1"], beyond: ["2": "[daemon] max_actions_per_cycle = 1"]),
    ]

    @Test(arguments: cases)
    func splitsWritesAtTheBlastRadiusLimitInAStableOrder(_ example: Case) {
        let (within, beyond) = example.budget.split(Self.decisions(example.writes))
        #expect(within.map(\.token.id) == example.within)
        #expect(Dictionary(uniqueKeysWithValues: beyond.map { ($0.decision.token.id, $0.limit) }) == example.beyond)
    }

    /// A cycle charges its writes one at a time as they stream past: the same split, the same limits named.
    @Test(arguments: cases)
    func aLedgerChargedOneWriteAtATimeSplitsAsTheWholeListDoes(_ example: Case) {
        var ledger = ActionBudget.Ledger(example.budget)
        var within: [String] = []
        var beyond: [String: String] = [:]
        for (provider, id) in example.writes {
            if let limit = ledger.charge(provider: provider) { beyond[id] = limit } else { within.append(id) }
        }
        #expect(within == example.within)
        #expect(beyond == example.beyond)
    }

    @Test func takesTheTightestPerProviderLimitFromTheConfiguration() {
        let settings = DaemonSettings(stateDirectory: "/s", policyDirectory: "/p", maxActionsPerCycle: 7)
        let providers = [
            ProviderConfig(id: "a", kind: .awx, baseURL: "https://a", credential: .systemd(name: "a"), maxActionsPerCycle: 2),
            ProviderConfig(id: "b", kind: .awx, baseURL: "https://b", credential: .systemd(name: "b")),
        ]
        #expect(ActionBudget(settings: settings, providers: providers) == ActionBudget(total: 7, perProvider: ["a": 2]))
    }
}

@Suite struct ActionBudgetAllowanceTests {
    @Test func earlierProvidersSpendTheBudgetFirstAndEachNamesTheLimitThatStoppedIt() {
        let budget = ActionBudget(total: 5, perProvider: ["b": 1])
        let allowances = budget.allowances(writes: [("a", 2), ("b", 3), ("c", 4), ("d", 0)])
        #expect(allowances["a"] == .init(carriedOut: 2, limit: nil))
        #expect(allowances["b"] == .init(carriedOut: 1, limit: "max_actions_per_cycle = 1 of provider \"b\""))
        #expect(allowances["c"] == .init(carriedOut: 2, limit: "[daemon] max_actions_per_cycle = 5"))
        #expect(allowances["d"] == .init(carriedOut: 0, limit: nil))
    }
}
