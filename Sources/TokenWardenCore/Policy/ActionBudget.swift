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
            result[provider] = Allowance(carriedOut: carriedOut, limit: carriedOut == count ? nil : limit(holdingBack: provider, spent: spent))
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
            guard spent < budget.total, spentBy[provider, default: 0] < budget.perProvider[provider] ?? .max else {
                return budget.limit(holdingBack: provider, spent: spent)
            }
            spent += 1
            spentBy[provider, default: 0] += 1
            return nil
        }
    }

    /// Splits writes, given grouped by provider in the engine's provider, name, id order, into those
    /// within the limits and those beyond them; `beyond` keeps, for each, the limit that stopped it.
    public func split(_ decisions: [Decision]) -> (within: [Decision], beyond: [(decision: Decision, limit: String)]) {
        var ledger = Ledger(self)
        var within: [Decision] = []
        var beyond: [(decision: Decision, limit: String)] = []
        for decision in decisions {
            if let limit = ledger.charge(provider: decision.token.provider) { beyond.append((decision, limit)) } else { within.append(decision) }
        }
        return (within, beyond)
    }

    /// The limit that holds back a write of `provider` once `spent` writes have been allowed: the
    /// total when it is reached, else the provider's own.
    func limit(holdingBack provider: String, spent: Int) -> String {
        spent >= total
            ? "[daemon] max_actions_per_cycle = \(total)" : "max_actions_per_cycle = \(perProvider[provider] ?? 0) of provider \"\(provider)\""
    }
}
