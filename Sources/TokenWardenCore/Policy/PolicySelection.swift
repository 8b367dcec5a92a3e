/// One provider's rules in the form a store evaluates them over its whole inventory: in the order a
/// winner is chosen, each with its filters and the timestamp windows of its triggers at one moment.
/// Why: `plan` on a million tokens cannot afford one `Token` per row; the store selects the winning
/// rule per row itself, and `PolicyEngine` stays the source of every boundary (see `PolicyEngine.selections`).
public struct PolicySelection: Sendable, Hashable {
    /// One rule the provider runs.
    public struct Candidate: Sendable, Hashable {
        /// Its index in the policy's rules.
        public var rule: Int
        public var match: TokenMatch
        /// All must hold; none is `.never` (such a rule is left out).
        public var windows: [TriggerWindow]
        /// Whether expired tokens are left out (a rotate rule: see `RuleAction.applies(to:)`).
        public var skipsExpired: Bool
        /// Whether the rule rotates (whose tokens' owners then matter).
        public var rotates: Bool

        public init(rule: Int, match: TokenMatch, windows: [TriggerWindow], skipsExpired: Bool, rotates: Bool) {
            self.rule = rule
            self.match = match
            self.windows = windows
            self.skipsExpired = skipsExpired
            self.rotates = rotates
        }
    }

    public var provider: String
    /// Strongest action first, then policy order: the first candidate that selects a token wins.
    public var candidates: [Candidate]
}
