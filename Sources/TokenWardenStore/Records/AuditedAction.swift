import Foundation
import TokenWardenCore

/// One entry of the audit trail: a decision or action on a token, and how it ended.
/// Report-only decisions are recorded too, as mode `report`.
public struct AuditedAction: Sendable, Hashable {
    public var provider: String
    public var tokenID: String
    public var occurredAt: Date
    /// The rule that caused it; nil for an admin's manual command.
    public var rule: String?
    public var action: RuleAction
    public var mode: ActionMode
    public var outcome: ActionOutcome
    /// In words: "unused for 412 days, rule revoke-stale allows 365".
    public var reason: String
    /// What went wrong, when `outcome` is `failed`; never contains a secret.
    public var error: String?
    /// The real uid of the admin's process, for a manual action; nil for the daemon's.
    public var actorUID: UInt32?

    public init(
        provider: String, tokenID: String, occurredAt: Date, rule: String?, action: RuleAction,
        mode: ActionMode, outcome: ActionOutcome, reason: String, error: String? = nil, actorUID: UInt32? = nil
    ) {
        self.actorUID = actorUID
        self.provider = provider
        self.tokenID = tokenID
        self.occurredAt = occurredAt
        self.rule = rule
        self.action = action
        self.mode = mode
        self.outcome = outcome
        self.reason = reason
        self.error = error
    }
}
