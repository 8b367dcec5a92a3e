import Foundation

/// A person's word on one decision of a rule with `approve = true`: asked for when the decision is
/// first made (`pending`), then `approved` or `denied` (`tokenwarden approve` / `deny`). It is bound
/// to the facts it was given for (`Decision.approvalKey`): if the token or the decision changes
/// (renewed, rotated, another rule), it no longer applies and a new one is asked for. An approval
/// not given, or given and not used, lapses at `expiresAt`.
public struct Approval: Sendable, Hashable {
    public enum State: String, Sendable, Hashable, CaseIterable {
        case pending, approved, denied
    }

    /// The store's id of this request (nil until stored): an answer names the request it was shown.
    public var id: Int64?
    public var provider: String
    public var tokenID: String
    public var rule: String
    public var action: RuleAction
    /// The decision's facts it was asked for (`Decision.approvalKey`).
    public var facts: String
    /// The decision's reason, in words, when it was asked for.
    public var reason: String
    public var state: State
    public var requestedAt: Date
    public var expiresAt: Date
    /// Who approved or denied, and why (nil while pending).
    public var decidedBy: String?
    public var decisionReason: String?

    public init(
        provider: String, tokenID: String, rule: String, action: RuleAction, facts: String, reason: String, state: State = .pending,
        requestedAt: Date, expiresAt: Date, decidedBy: String? = nil, decisionReason: String? = nil
    ) {
        self.provider = provider
        self.tokenID = tokenID
        self.rule = rule
        self.action = action
        self.facts = facts
        self.reason = reason
        self.state = state
        self.requestedAt = requestedAt
        self.expiresAt = expiresAt
        self.decidedBy = decidedBy
        self.decisionReason = decisionReason
    }

    public var reference: String { "\(provider)/\(tokenID)" }

    /// Whether it speaks for `decision` at `now`: the same facts, not lapsed.
    public func applies(to decision: Decision, at now: Date) -> Bool {
        facts == decision.approvalKey && now < expiresAt
    }

    /// The hold it gives a decision of an `approve` rule: none once approved, `denied`, or
    /// `awaitingApproval` while pending, or when no approval applies.
    public static func hold(for decision: Decision, approval: Approval?, at now: Date) -> Decision.Hold? {
        guard let approval, approval.applies(to: decision, at: now) else { return .awaitingApproval }
        switch approval.state {
        case .approved: return nil
        case .denied: return .denied
        case .pending: return .awaitingApproval
        }
    }

    /// How long an approval is asked for, and valid once given, unless the rule says (`approval_expires`).
    public static let defaultExpiry = TimeSpan.days(7)
}
