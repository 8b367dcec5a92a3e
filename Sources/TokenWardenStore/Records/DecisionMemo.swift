/// What the store remembers of one decision, to tell next cycle whether it changed.
public struct DecisionMemo: Sendable, Hashable {
    public var provider: String
    public var tokenID: String
    /// `Decision.factsKey` plus how the decision was handled.
    public var facts: String
    /// A notify decision's notice: the expiry it is about and its stage.
    public var notice: RememberedDecisions.Notice?
    /// When set, what is remembered stays as it is if its facts begin with this (the same decision,
    /// handled otherwise before): a decision held outside its rule's window keeps the memory of
    /// the notice sent in the last window, so the next opening does not send it again.
    public var keepIfRemembered: String?

    public init(
        provider: String, tokenID: String, facts: String, notice: RememberedDecisions.Notice? = nil, keepIfRemembered: String? = nil
    ) {
        self.provider = provider
        self.tokenID = tokenID
        self.facts = facts
        self.notice = notice
        self.keepIfRemembered = keepIfRemembered
    }
}
