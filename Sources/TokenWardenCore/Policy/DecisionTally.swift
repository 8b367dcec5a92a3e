/// Counts decisions handed over one token at a time, keeping only what `plan` prints: the first
/// `listing` tokens of each rule and the first writes of each provider the budget could take.
/// Why: on a million tokens, one `Decision` per firing token was most of `plan`'s time and memory;
/// the few listed tokens are then decided in full by `PolicyEngine` and checked against the tally.
public struct DecisionTally: Sendable {
    /// A token's place in the engine's provider, name, id order.
    public struct Key: Sendable, Hashable, Comparable {
        public var provider: String
        public var name: String
        public var id: String

        public var reference: String { "\(provider)/\(id)" }

        public static func < (lhs: Key, rhs: Key) -> Bool { (lhs.provider, lhs.name, lhs.id) < (rhs.provider, rhs.name, rhs.id) }
    }

    /// The `limit` smallest keys offered, in order.
    struct Smallest: Sendable {
        let limit: Int
        private(set) var keys: [Key] = []

        init(limit: Int) { self.limit = limit }

        /// Whether a key of this provider and name could be kept, decided without its id.
        func admits(_ provider: String, _ name: String) -> Bool {
            guard keys.count == limit else { return true }
            guard let last = keys.last else { return false }
            return (provider, name) <= (last.provider, last.name)
        }

        mutating func offer(_ key: Key) {
            if keys.count == limit, let last = keys.last, !(key < last) { return }
            var low = 0
            var high = keys.count
            while low < high {
                let middle = (low + high) / 2
                if keys[middle] < key { low = middle + 1 } else { high = middle }
            }
            keys.insert(key, at: low)
            if keys.count > limit { keys.removeLast() }
        }
    }

    /// What the tally keeps per provider: looked up once per run of rows of one provider.
    struct ProviderTally: Sendable {
        let id: String
        let kind: ProviderKind
        /// Ids of tokenwarden's own tokens there.
        let ownIDs: Set<String>
        /// Ids of its snoozed and exempt tokens: held whatever their rule.
        let suspendedIDs: Set<String>
        /// An admin paused writes to it (`Decision.Hold.paused`).
        let paused: Bool
        var writes = 0
        var held = 0
        var firstWrites: Smallest
    }

    private let rules: [Rule]
    private let budget: ActionBudget
    private let signers: RotationSigners
    private let colliding: Set<String>
    /// Indices of rules whose window is closed now: everything they decide is held.
    private let closed: Set<Int>
    /// References of tokens with an approval given (`approve = true` rules hold every other write).
    private let approved: Set<String>
    private var counts: [Int]
    private var firstOfRule: [Smallest]
    private var providers: [ProviderTally]
    private let providerIndex: [String: Int]
    private var current = 0
    private var rotationsForAPerson = 0
    private var held = 0

    public init(
        rules: [Rule], providers: [ProviderConfig], protected: Set<String>, signers: RotationSigners,
        colliding: Set<String> = [], suspended: Set<String> = [], paused: Set<String> = [], closedRules: Set<String> = [],
        approved: Set<String> = [], budget: ActionBudget, listing: Int
    ) {
        self.approved = approved
        self.rules = rules
        self.budget = budget
        self.signers = signers
        self.colliding = colliding
        closed = Set(rules.indices.filter { closedRules.contains(rules[$0].name) })
        counts = Array(repeating: 0, count: rules.count)
        firstOfRule = Array(repeating: Smallest(limit: listing), count: rules.count)
        self.providers = providers.map { provider in
            let prefix = provider.id + "/"
            let ids = { (references: Set<String>) in Set(references.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }) }
            return ProviderTally(
                id: provider.id, kind: provider.kind, ownIDs: ids(protected), suspendedIDs: ids(suspended), paused: paused.contains(provider.id),
                firstWrites: Smallest(limit: min(budget.total, budget.perProvider[provider.id] ?? .max)))
        }
        providerIndex = Dictionary(providers.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Counts one token of `provider` on which `rule` (an index into the rules) wins; `id` is asked
    /// for only when the token may be among those kept (on 1M tokens, most ids are never needed),
    /// `owner` (listed owner, provider's owner id) only when a rotation depends on it.
    public mutating func add(
        provider: String, rule: Int, name: String, id: () -> String,
        owner: () -> (owner: String?, ownerID: String?) = { (nil, nil) }
    ) {
        // Rows arrive in runs of one provider: compare before hashing.
        if providers.indices.contains(current) && providers[current].id != provider {
            guard let index = providerIndex[provider] else { return }
            current = index
        }
        guard providers.indices.contains(current) else { return }
        counts[rule] += 1
        var known: String?
        func key() -> Key {
            let value = known ?? id()
            known = value
            return Key(provider: provider, name: name, id: value)
        }
        if firstOfRule[rule].admits(provider, name) { firstOfRule[rule].offer(key()) }
        // As for own tokens: the id is asked for only where the provider has suspended tokens at all.
        if !providers[current].suspendedIDs.isEmpty && providers[current].suspendedIDs.contains(key().id) {
            held += 1
            providers[current].held += 1
            return
        }
        if !closed.isEmpty && closed.contains(rule) {
            held += 1
            providers[current].held += 1
            return
        }
        let action = rules[rule].action
        guard action != .notify else { return }
        let own = !providers[current].ownIDs.isEmpty && providers[current].ownIDs.contains(key().id)
        let covered =
            action != .rotate
            || {
                let (owner, ownerID) = owner()
                return signers.covers(provider: provider, owner: owner, ownerID: ownerID)
            }()
        let hold = PolicyEngine.hold(
            of: action, ownCredential: own, ownerCovered: covered, sharedDestination: colliding.contains(rules[rule].name),
            paused: providers[current].paused, kind: providers[current].kind)
        if hold == .ownerCredentialMissing || hold == .sharedDestination { rotationsForAPerson += 1 }
        let awaiting = (hold == nil || hold == .paused) && rules[rule].approve && !approved.contains(key().reference)
        guard hold == nil, !awaiting else {
            held += 1
            providers[current].held += 1
            return
        }
        providers[current].writes += 1
        if providers[current].firstWrites.admits(provider, name) { providers[current].firstWrites.offer(key()) }
    }

    /// Adds the tokens another tally of the same rules and providers counted (a slice of the same store).
    public mutating func merge(_ other: DecisionTally) {
        for rule in counts.indices {
            counts[rule] += other.counts[rule]
            for key in other.firstOfRule[rule].keys { firstOfRule[rule].offer(key) }
        }
        rotationsForAPerson += other.rotationsForAPerson
        held += other.held
        for index in providers.indices {
            providers[index].writes += other.providers[index].writes
            providers[index].held += other.providers[index].held
            for key in other.providers[index].firstWrites.keys { providers[index].firstWrites.offer(key) }
        }
    }

    /// The tokens whose full decisions `outline` needs.
    public var listedKeys: [Key] { firstOfRule.flatMap(\.keys) }

    /// The outline, given the engine's decisions for `listedKeys`; nil when the engine decides any of
    /// them otherwise than the tally (which would be a bug: the caller then decides every token).
    public func outline(_ decisions: [Decision]) -> PlanOutline? {
        let byReference = Dictionary(decisions.map { ($0.token.reference, $0) }, uniquingKeysWith: { first, _ in first })
        let writing = providers.filter { $0.writes > 0 }.sorted { $0.id < $1.id }
        let allowances = budget.allowances(writes: writing.map { ($0.id, $0.writes) })
        var within: Set<String> = []
        for provider in writing {
            within.formUnion(provider.firstWrites.keys.prefix(allowances[provider.id]?.carriedOut ?? 0).map(\.reference))
        }
        var listed: [String: [PlanOutline.Entry]] = [:]
        for (rule, first) in firstOfRule.enumerated() where !first.keys.isEmpty {
            var entries: [PlanOutline.Entry] = []
            for key in first.keys {
                guard let decision = byReference[key.reference], decision.rule == rules[rule].name else { return nil }
                let heldBack = decision.isWrite && !within.contains(key.reference) ? allowances[key.provider]?.limit : nil
                entries.append(PlanOutline.Entry(decision: decision, heldBack: heldBack))
            }
            listed[rules[rule].name] = entries
        }
        let decided = counts.enumerated().filter { $0.element > 0 }
        var outline = PlanOutline(
            counts: Dictionary(decided.map { (rules[$0.offset].name, $0.element) }, uniquingKeysWith: +),
            listed: listed, writes: writing.map(\.writes).reduce(0, +),
            carriedOut: allowances.values.map(\.carriedOut).reduce(0, +), rotationsForAPerson: rotationsForAPerson,
            held: held)
        outline.heldByProvider = Dictionary(providers.filter { $0.held > 0 }.map { ($0.id, $0.held) }, uniquingKeysWith: +)
        return outline
    }
}
