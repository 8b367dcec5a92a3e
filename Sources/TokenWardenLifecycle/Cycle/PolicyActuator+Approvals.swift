import Foundation
import TokenWardenCore
import TokenWardenJournal
import TokenWardenStore

/// Rules with `approve = true`: a decision waiting for a person is asked for once per set of facts,
/// and the rule's `notify.to` is told, with the command that approves it.
extension PolicyActuator {
    /// Asks for an approval of each decision (`DecisionPass.asking`, enforcing only) and tells the
    /// notifiers of its rule's `notify.to`, with the command that approves it. Returns the journal
    /// entries of the requests made, but for decisions already reported this cycle (`reported`),
    /// whose entry says the same.
    func requestApprovals(_ decisions: [Decision], rules: [Rule], reported: Set<String>) throws -> [JournalEvent] {
        guard !decisions.isEmpty else { return [] }
        let byName = Dictionary(rules.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var events: [JournalEvent] = []
        var told: [String: [JournalEvent]] = [:]
        for decision in decisions {
            guard let rule = byName[decision.rule] else { continue }
            let token = decision.token
            let approval = Approval(
                provider: token.provider, tokenID: token.id, rule: rule.name, action: decision.action, facts: decision.approvalKey,
                reason: decision.reason, requestedAt: now(), expiresAt: now().addingTimeInterval(rule.approvalExpires.timeInterval))
            guard try store.requestApproval(approval, validFor: rule.approvalExpires) else { continue }
            let event = DecisionReport(
                decision, .held, DecisionReport.Context(destination: "", enforce: true, now: now())
            ).event
            // Approvals are asked of the notifiers named, not of owners: whoever may approve is an admin.
            for notifier in rule.notifyTo where notifier != "owner" { told[notifier, default: []].append(event) }
            if !reported.contains(token.reference) { events.append(event) }
        }
        // One message per notifier for the cycle's requests, not one per token.
        for (notifier, asked) in told.sorted(by: { $0.key < $1.key }) {
            try store.queue(OutboxMessage.tell(asked, to: [notifier], at: now()))
        }
        return events
    }

    /// Why a write decided earlier in this cycle must not go ahead now, or nil: an admin paused
    /// writes, or the approval it needed was denied or replaced, while the cycle ran (the commands
    /// do not wait for a cycle to end).
    func changedSinceDecided(_ decision: Decision, rule: Rule?) throws -> String? {
        let token = decision.token
        if let pause = Pause.holding(token.provider, in: try store.pauses(at: now()), at: now()) {
            return "writes were paused while the cycle ran: \(pause.description)"
        }
        guard rule?.approve == true else { return nil }
        let approval = try store.openApproval(provider: token.provider, tokenID: token.id, at: now())
        guard let approval, approval.state == .approved, approval.applies(to: decision, at: now()) else {
            return "its approval was \(approval.map { $0.state == .denied ? "denied" : "replaced" } ?? "withdrawn") while the cycle ran"
        }
        return nil
    }
}
