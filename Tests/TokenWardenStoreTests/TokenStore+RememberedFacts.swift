import Foundation
import TokenWardenCore

@testable import TokenWardenStore

/// For tests only: remembering decisions given as a dictionary, where the cycle stages them as it
/// decides (`stageDecisions`, then `rememberDecisions(_:adding:…)`).
extension TokenStore {
    /// Remembers the decision of each token (`facts` as `Decision.factsKey` plus how it was handled) and
    /// returns the references (`provider/id`) whose decision is new or changed since it was last reported,
    /// as `stageDecisions` then `rememberDecisions(_:adding:…)` do for decisions already in a dictionary.
    func rememberDecisions(
        _ facts: [String: String], notices: [String: RememberedDecisions.Notice] = [:], providers: Set<String>, at now: Date,
        limit: Int = .max
    ) throws -> RememberedDecisions {
        let memos = facts.map { reference, facts in
            let (provider, id) = Self.split(reference)
            return DecisionMemo(provider: provider, tokenID: id, facts: facts, notice: notices[reference])
        }
        return try rememberDecisions(try stageDecisions(memos), providers: providers, at: now, limit: limit)
    }
}
