/// What `rememberDecisions` took in: the decisions to report now, and how many wait for a later cycle.
/// A large inventory's first cycle can decide about hundreds of thousands of tokens; reporting them
/// all at once floods the journal (journald drops most of them past its rate limit).
public struct RememberedDecisions: Sendable, Hashable {
    /// References (`provider/id`) whose new or changed decision is reported now.
    public var fresh: Set<String>
    /// New or changed decisions beyond the limit, not remembered: a later cycle reports them.
    public var pending: Int
    /// Fresh notices whose earlier notice about the same expiry went unanswered (see `Notice`).
    public var escalating: Set<String>

    public init(fresh: Set<String>, pending: Int, escalating: Set<String> = []) {
        self.fresh = fresh
        self.pending = pending
        self.escalating = escalating
    }

    /// A notice remembered with a decision: the expiry it was about (milliseconds since 1970) and its
    /// stage (seconds of lead time; 0 once expired).
    public struct Notice: Sendable, Hashable {
        public var expiresAt: Int64
        public var stage: Int64

        public init(expiresAt: Int64, stage: Int64) {
            self.expiresAt = expiresAt
            self.stage = stage
        }
    }
}
