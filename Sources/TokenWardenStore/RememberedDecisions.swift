/// What `rememberDecisions` took in: the decisions to report now, and how many wait for a later cycle.
/// A large inventory's first cycle can decide about hundreds of thousands of tokens; reporting them
/// all at once floods the journal (journald drops most of them past its rate limit).
public struct RememberedDecisions: Sendable, Hashable {
    /// References (`provider/id`) whose new or changed decision is reported now.
    public var fresh: Set<String>
    /// New or changed decisions beyond the limit, not remembered: a later cycle reports them.
    public var pending: Int

    public init(fresh: Set<String>, pending: Int) {
        self.fresh = fresh
        self.pending = pending
    }
}
