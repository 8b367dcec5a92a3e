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
        self.init(
            total: settings.maxActionsPerCycle,
            perProvider: Dictionary(
                providers.compactMap { provider in provider.maxActionsPerCycle.map { (provider.id, $0) } },
                uniquingKeysWith: min))
    }

    /// How many of one provider's writes a cycle carries out, and the limit that holds back the rest.
    public struct Allowance: Sendable, Hashable {
        public var carriedOut: Int
        /// Why the writes past `carriedOut` wait for a later cycle; nil when none do.
        public var limit: String?

        public init(carriedOut: Int, limit: String?) {
            self.carriedOut = carriedOut
            self.limit = limit
        }
    }

    /// The allowance of each provider, given how many writes each has, taken in the order given
    /// (the engine's provider order): the budget is spent on earlier providers first.
    public func allowances(writes: [(provider: String, count: Int)]) -> [String: Allowance] {
        var result: [String: Allowance] = [:]
        var spent = 0
        for (provider, count) in writes {
            let carriedOut = min(count, total - spent, perProvider[provider] ?? .max)
            spent += carriedOut
            let limit =
                carriedOut == count
                ? nil
                : spent >= total
                    ? "[daemon] max_actions_per_cycle = \(total)"
                    : "max_actions_per_cycle = \(perProvider[provider] ?? 0) of provider \"\(provider)\""
            result[provider] = Allowance(carriedOut: carriedOut, limit: limit)
        }
        return result
    }

    /// Spends the budget on writes one at a time, in the engine's provider, name, id order: the split
    /// `split` makes, without holding every write (a cycle streams its decisions).
    public struct Ledger: Sendable {
        public let budget: ActionBudget
        private var spent = 0
        private var spentBy: [String: Int] = [:]

        public init(_ budget: ActionBudget) { self.budget = budget }

        /// Charges one write of `provider`: nil when it is within the limits, else the limit that holds it back.
        public mutating func charge(provider: String) -> String? {
            let cap = budget.perProvider[provider] ?? .max
            guard spent < budget.total, spentBy[provider, default: 0] < cap else {
                return spent >= budget.total
                    ? "[daemon] max_actions_per_cycle = \(budget.total)" : "max_actions_per_cycle = \(cap) of provider \"\(provider)\""
            }
            spent += 1
            spentBy[provider, default: 0] += 1
            return nil
        }
    }

    /// Splits writes, given grouped by provider in the engine's provider, name, id order, into those
    /// within the limits and those beyond them; `beyond` keeps, for each, the limit that stopped it.
    public func split(_ decisions: [Decision]) -> (within: [Decision], beyond: [(decision: Decision, limit: String)]) {
        var counts: [(provider: String, count: Int)] = []
        for decision in decisions {
            if counts.last?.provider == decision.token.provider {
                counts[counts.count - 1].count += 1
            } else {
                counts.append((decision.token.provider, 1))
            }
        }
        let allowances = allowances(writes: counts)
        var within: [Decision] = []
        var beyond: [(decision: Decision, limit: String)] = []
        var rank: [String: Int] = [:]
        for decision in decisions {
            let provider = decision.token.provider
            defer { rank[provider, default: 0] += 1 }
            guard let allowance = allowances[provider], rank[provider, default: 0] >= allowance.carriedOut,
                let limit = allowance.limit
            else {
                within.append(decision)
                continue
            }
            beyond.append((decision, limit))
        }
        return (within, beyond)
    }
}
