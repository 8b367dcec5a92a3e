import Foundation
import TokenWardenCore
import TokenWardenJournal

/// How the journal words a person's approval or denial, and an approval that nobody gave in time.
extension JournalEvent {
    /// approval-decided: `tokenwarden approve` or `deny`.
    public static func approvalDecided(_ approval: Approval, token: Token) -> JournalEvent {
        let what = approval.state == .approved ? "approved" : "denied"
        return JournalEvent(
            .approvalDecided, .notice,
            "\(approval.decidedBy ?? "?") \(what) the \(approval.action.rawValue) of \(token.reference) \"\(token.name)\" by rule "
                + "\(approval.rule): \(approval.decisionReason ?? "")"
                + (approval.state == .approved ? " (valid until \(ProviderTimestamp.format(approval.expiresAt)); the next cycle acts)" : ""),
            token: token, rule: approval.rule, action: approval.action)
    }

    /// approval-expired: asked for (or given) and not acted on in time; the next cycle asks again.
    static func approvalExpired(_ approval: Approval) -> JournalEvent {
        let what = approval.state == .pending ? "was asked for and not given" : "was \(approval.state.rawValue) and not used"
        return JournalEvent(
            .approvalExpired, .notice,
            "the approval of the \(approval.action.rawValue) of \(approval.reference) by rule \(approval.rule) \(what) by "
                + "\(ProviderTimestamp.format(approval.expiresAt)); it is asked for again",
            provider: approval.provider, tokenID: approval.tokenID, rule: approval.rule, action: approval.action)
    }
}
