/// What `plan` prints: per rule, how many tokens it decides and the first of them in full, and how
/// many writes the next cycle would carry out.
/// Why: the outline comes either from every decision (`PlanOutline(decisions:...)`) or from a
/// `DecisionTally` over a large store, and one renderer prints both.
public struct PlanOutline: Sendable, Hashable {
    /// A listed decision, with the limit that holds it back next cycle when it is a write beyond the budget.
    public struct Entry: Sendable, Hashable {
        public var decision: Decision
        public var heldBack: String?
    }

    /// Tokens each rule decides, by rule name (rules deciding none are absent).
    public var counts: [String: Int]
    /// The first decisions of each rule in the engine's provider, name, id order.
    public var listed: [String: [Entry]]
    /// Revokes and rotations tokenwarden would make (notifications and held decisions are not writes).
    public var writes: Int
    /// How many of `writes` the next cycle carries out within the budget.
    public var carriedOut: Int
    /// Rotations held for a person: no credential of the token's owner, or a destination other tokens share.
    public var rotationsForAPerson: Int
    /// Decisions held for any reason (`Decision.Hold`): revokes and rotations, those for a person
    /// included, and anything about a snoozed or exempt token.
    public var held: Int
    /// `held` by provider.
    public var heldByProvider: [String: Int] = [:]

    public init(counts: [String: Int], listed: [String: [Entry]], writes: Int, carriedOut: Int, rotationsForAPerson: Int = 0, held: Int = 0) {
        self.counts = counts
        self.listed = listed
        self.writes = writes
        self.carriedOut = carriedOut
        self.rotationsForAPerson = rotationsForAPerson
        self.held = held
    }

    /// The outline of every decision (in the engine's order), listing up to `listing` per rule (all when nil).
    public init(decisions: [Decision], budget: ActionBudget, listing: Int?) {
        let writes = decisions.filter(\.isWrite)
        let (within, beyond) = budget.split(writes)
        let heldBack = Dictionary(beyond.map { ($0.decision.token.reference, $0.limit) }, uniquingKeysWith: { first, _ in first })
        var counts: [String: Int] = [:]
        var listed: [String: [Entry]] = [:]
        for decision in decisions {
            counts[decision.rule, default: 0] += 1
            if listing.map({ listed[decision.rule, default: []].count < $0 }) ?? true {
                listed[decision.rule, default: []].append(Entry(decision: decision, heldBack: heldBack[decision.token.reference]))
            }
        }
        self.init(
            counts: counts, listed: listed, writes: writes.count, carriedOut: within.count,
            rotationsForAPerson: decisions.filter(\.isRotationForAPerson).count, held: decisions.filter { $0.hold != nil }.count)
        for decision in decisions where decision.hold != nil { heldByProvider[decision.token.provider, default: 0] += 1 }
    }
}

extension Decision {
    /// A revoke or rotate tokenwarden itself would make: not a notification, not held.
    public var isWrite: Bool { action != .notify && hold == nil }

    /// A rotation only a person can unblock: an owner's credential to add, or a rule to narrow.
    public var isRotationForAPerson: Bool { hold == .ownerCredentialMissing || hold == .sharedDestination }
}
