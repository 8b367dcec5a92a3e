import Foundation
import TokenWardenCore
import TokenWardenJournal
import TokenWardenStore

/// Rules with `approve = true`: a decision waiting for a person is asked for once per set of facts,
/// and the rule's `notify.to` is told, with the command that approves it.
extension PolicyActuator {
    /// Asks for an approval of each decision (with the event that reports it); the notifiers of the
    /// rule's `notify.to` are told of each new request. An open request for the same facts is not
    /// asked again.
    func requestApprovals(_ asking: [(Decision, JournalEvent)], rules: [Rule]) throws {
        guard !asking.isEmpty else { return }
        let byName = Dictionary(rules.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for (decision, event) in asking {
            guard let rule = byName[decision.rule] else { continue }
            let token = decision.token
            let approval = Approval(
                provider: token.provider, tokenID: token.id, rule: rule.name, action: decision.action, facts: decision.approvalKey,
                reason: decision.reason, requestedAt: now(), expiresAt: now().addingTimeInterval(rule.approvalExpires.timeInterval))
            guard try store.requestApproval(approval, validFor: rule.approvalExpires) else { continue }
            // Approvals are asked of the notifiers named, not of owners: whoever may approve is an admin.
            let notifiers = rule.notifyTo.filter { $0 != "owner" }
            if !notifiers.isEmpty { try store.queue(OutboxMessage.tell([event], to: notifiers, at: now())) }
        }
    }
}
