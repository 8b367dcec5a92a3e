import Foundation
import GRDB
import Testing
import TokenWardenCore
import TokenWardenTestSupport

@testable import TokenWardenStore

/// `TokenStore.forEachFiring` (SQLite picks each token's winning rule) against `PolicyEngine.evaluate`
/// (Swift decides token by token) on the same stored inventory.
@Suite struct PolicyPassTests {
    static func stored(_ example: RandomPolicyCase) throws -> (TokenStore, [Token]) {
        let store = try TokenStore.inMemory()
        try store.registerProviders(example.providers, at: RandomPolicyCase.now)
        try store.writer.write { db in
            for token in example.tokens { try TokenRecord(token).insert(db) }
        }
        // The engine decides on what the store holds: timestamps at millisecond precision.
        let states: Set<TokenState> = [.active, .expired, .revoked, .gone]
        return (store, try store.tokens(matching: TokenQuery(states: states), at: RandomPolicyCase.now))
    }

    @Test(arguments: 0..<40)
    func sqlitePicksTheWinningRuleTheEnginePicksForEveryToken(seed: UInt64) throws {
        let example = RandomPolicyCase(seed: seed)
        let (store, tokens) = try Self.stored(example)
        #expect(tokens.count == example.tokens.count)
        let now = RandomPolicyCase.now
        let engine = PolicyEngine.evaluate(
            tokens: tokens, rules: example.rules, providers: example.providers,
            signers: example.signers, now: now)
        var fired: [String: String] = [:]
        try store.forEachFiring(PolicyEngine.selections(rules: example.rules, providers: example.providers, now: now)) { provider, rule, _, id, _ in
            #expect(fired.updateValue(example.rules[rule].name, forKey: "\(provider)/\(id())") == nil, "a token reported twice")
        }
        #expect(fired == Dictionary(uniqueKeysWithValues: engine.map { ($0.token.reference, $0.rule) }), "seed \(seed)")
    }

    /// `STATUS=` counts in SQL what `tokens --expiring` lists: the same tokens, for every query shape.
    @Test(arguments: 0..<10)
    func countingInSQLAgreesWithTheListing(seed: UInt64) throws {
        let (store, _) = try Self.stored(RandomPolicyCase(seed: seed))
        let now = RandomPolicyCase.now
        for query in [
            TokenQuery(), TokenQuery(states: [.active], expiringWithin: .days(14)), TokenQuery(unusedFor: .days(90)),
            TokenQuery(states: [.active, .expired, .revoked, .gone], expiringWithin: .days(400)),
        ] {
            #expect(try store.countTokens(matching: query, at: now) == store.tokens(matching: query, at: now).count, "seed \(seed), \(query)")
        }
    }

    @Test func theTalliedOutlineOfAStoreIsTheOutlineOfEveryDecision() throws {
        for seed in UInt64(100)..<110 {
            let example = RandomPolicyCase(seed: seed, tokenCount: 600)
            let (store, tokens) = try Self.stored(example)
            let now = RandomPolicyCase.now
            let empty = DecisionTally(
                rules: example.rules, providers: example.providers, protected: example.protected,
                signers: example.signers, budget: example.budget, listing: 4)
            // Read in slices and merged, as `plan` does on a machine with several cores.
            var tally = empty
            for slice in try store.slices(Int(seed % 4) + 1) {
                var part = empty
                try store.forEachFiring(PolicyEngine.selections(rules: example.rules, providers: example.providers, now: now), slice: slice) {
                    part.add(provider: $0, rule: $1, name: $2, id: $3, owner: $4)
                }
                tally.merge(part)
            }
            let listed = try store.tokens(keys: tally.listedKeys.map { ($0.provider, $0.id) })
            let outline = tally.outline(
                PolicyEngine.evaluate(
                    tokens: listed, rules: example.rules, providers: example.providers,
                    protected: example.protected, signers: example.signers, now: now))
            let every = PolicyEngine.evaluate(
                tokens: tokens, rules: example.rules, providers: example.providers,
                protected: example.protected, signers: example.signers, now: now)
            #expect(outline == PlanOutline(decisions: every, budget: example.budget, listing: 4), "seed \(seed)")
        }
    }

    @Test func slicesCoverEveryRowOnce() throws {
        let example = RandomPolicyCase(seed: 7, tokenCount: 101)
        let (store, _) = try Self.stored(example)
        for count in [1, 2, 3, 4, 7, 200] {
            let slices = try store.slices(count)
            #expect(slices.first?.lowerBound == 1)
            #expect(slices.last?.upperBound == 101)
            #expect(zip(slices, slices.dropFirst()).allSatisfy { $0.upperBound + 1 == $1.lowerBound }, "\(count): \(slices)")
            #expect(slices.count <= count)
        }
        #expect(try TokenStore.inMemory().slices(2).isEmpty)
    }

    @Test func noRuleMeansNoPassOverTheStore() throws {
        let store = try TokenStore.inMemory()
        var calls = 0
        try store.forEachFiring([]) { _, _, _, _, _ in calls += 1 }
        #expect(calls == 0)
    }
}
