/// What the store remembers of one decision, to tell next cycle whether it changed.
public struct DecisionMemo: Sendable, Hashable {
    public var provider: String
    public var tokenID: String
    /// `Decision.factsKey` plus how the decision was handled.
    public var facts: String
    /// A notify decision's notice: the expiry it is about and its stage.
    public var notice: RememberedDecisions.Notice?

    public init(provider: String, tokenID: String, facts: String, notice: RememberedDecisions.Notice? = nil) {
        self.provider = provider
        self.tokenID = tokenID
        self.facts = facts
        self.notice = notice
    }
}
