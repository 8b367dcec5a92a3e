/// The blast-radius limit of one cycle: how many provider writes policy may make, in total and per provider.
/// A bug, a bad rule or a provider glitch can make everything look stale at once; the budget caps the damage.
public struct ActionBudget: Sendable, Hashable {
    /// `[daemon] max_actions_per_cycle`.
    public var total: Int
    /// `[[provider]] max_actions_per_cycle`, where set.
    public var perProvider: [String: Int]

    public init(total: Int, perProvider: [String: Int] = [:]) {
        self.total = total
        self.perProvider = perProvider
    }

    public init(settings: DaemonSettings, providers: [ProviderConfig]) {
        self.init(total: settings.maxActionsPerCycle,
                  perProvider: Dictionary(providers.compactMap { provider in provider.maxActionsPerCycle.map { (provider.id, $0) } },
                                          uniquingKeysWith: min))
    }

    /// Splits writes, in the order given (the engine's stable provider, name, id order), into those
    /// within the limits and those beyond them; `beyond` keeps, for each, the limit that stopped it.
    public func split(_ decisions: [Decision]) -> (within: [Decision], beyond: [(decision: Decision, limit: String)]) {
        var within: [Decision] = []
        var beyond: [(decision: Decision, limit: String)] = []
        var used: [String: Int] = [:]
        for decision in decisions {
            let provider = decision.token.provider
            if within.count >= total {
                beyond.append((decision, "[daemon] max_actions_per_cycle = \(total)"))
            } else if let cap = perProvider[provider], used[provider, default: 0] >= cap {
                beyond.append((decision, "max_actions_per_cycle = \(cap) of provider \"\(provider)\""))
            } else {
                within.append(decision)
                used[provider, default: 0] += 1
            }
        }
        return (within, beyond)
    }
}
