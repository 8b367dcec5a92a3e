import Foundation
import TokenWardenCore
import TokenWardenJournal
import TokenWardenStore

/// A decision reported rather than carried out, as the journal and the audit trail both tell it:
/// the one table of (handling, hold) → words, so the two can never disagree.
struct DecisionReport {
    /// What the cycle knows beside the decision.
    struct Context {
        var limit: String?
        /// When the token's last rotation failed (`waiting`).
        var failedAt: Date?
        var gaveUp: WriteFailureRun?
        /// Other live tokens a shared destination serves.
        var sharedWith: [String] = []
        var destination: String
        var enforce: Bool
        var now: Date
    }

    let event: JournalEvent
    let audit: AuditedAction

    init(_ decision: Decision, _ how: PolicyActuator.Handling, _ context: Context) {
        let token = decision.token
        let named = "\(token.reference) \"\(token.name)\""
        let verb = JournalEvent.verb(decision.action)
        var audit = AuditedAction(
            provider: token.provider, tokenID: token.id, occurredAt: context.now, rule: decision.rule,
            action: decision.action, mode: context.enforce ? .enforce : .report, outcome: .skipped, reason: decision.reason)
        let event: JournalEvent
        func make(_ kind: JournalEvent.Kind, _ priority: JournalEvent.Priority, _ message: String, action: RuleAction? = nil) -> JournalEvent {
            JournalEvent(kind, priority, message, token: token, rule: decision.rule, action: action ?? decision.action)
        }
        switch how {
        case .notify:
            event = make(.tokenNotified, token.state == .expired ? .warning : .notice, "\(named): \(decision.reason)", action: .notify)
            audit.outcome = .succeeded
        case .held where decision.hold == .snoozed || decision.hold == .exempt:
            let what = decision.action == .notify ? "notified about" : verb
            let suspension = decision.suspension?.description ?? "snoozed"
            event = make(.heldByAdmin, .info, "not \(what) \(named) (\(decision.reason)): \(suspension)")
            audit.error = "held: " + suspension
        case .held where decision.hold == .paused:
            let pause = decision.pause?.description ?? "paused"
            event = make(.heldByAdmin, .info, "not \(verb) \(named) (\(decision.reason)): writes are \(pause)")
            audit.error = "held: writes are " + pause
        case .held where decision.hold == .awaitingApproval && !context.enforce:
            event = make(
                .wouldAct, .notice,
                "would ask a person to approve that \(named) be \(verb): \(decision.reason) (report-only: [daemon] enforce = false)")
        case .held where decision.hold == .awaitingApproval:
            let command = "`tokenwarden approve \(token.reference) --reason TEXT`"
            event = make(
                .approvalRequested, .notice,
                "\(named) waits for a person's approval to be \(verb) (\(decision.reason)): \(command) lets it go ahead, "
                    + "`tokenwarden deny \(token.reference) --reason TEXT` refuses it")
            audit.error = "held: waits for approval (rule \(decision.rule) has approve = true)"
        case .held where decision.hold == .denied:
            let denial = decision.approval.map { "denied by \($0.decidedBy ?? "?"): \($0.decisionReason ?? "")" } ?? "denied"
            event = make(.heldByAdmin, .info, "not \(verb) \(named) (\(decision.reason)): \(denial)")
            audit.error = "held: " + denial
        case .held where decision.hold == .outsideWindow:
            let what = decision.action == .notify ? "notified about" : verb
            let opens = decision.windowOpens.map { "; it opens \(ProviderTimestamp.format($0))" } ?? ""
            event = make(.heldOutsideWindow, .notice, "not \(what) \(named) (\(decision.reason)): outside rule \(decision.rule)'s window\(opens)")
            audit.error = "held: outside rule \(decision.rule)'s window\(opens)"
        case .held where decision.hold == .ownCredential:
            event = make(
                .heldOwnCredential, .warning,
                "not \(verb) \(named), tokenwarden's own credential: \(decision.reason); replace it by hand and update the credential file, "
                    + "or set rotate_own_credential on the provider"
            )
            audit.error = "held: this is the credential tokenwarden itself signs in with"
        case .held where decision.hold == .sharedDestination:
            let others =
                context.sharedWith.isEmpty
                ? "other live tokens it selects"
                : context.sharedWith.prefix(5).joined(separator: ", ") + (context.sharedWith.count > 5 ? ", …" : "")
            event = make(
                .needsPerson, .error,
                "not rotating \(named): rule \(decision.rule) would deliver it to \(context.destination), "
                    + "which also serves \(others); each successor would overwrite the other's secret and the rest would be delivered "
                    + "nowhere. Narrow the rule (match.owner, match.provider) to one token, or deliver with a command naming "
                    + Delivery.tokenPlaceholder,
                action: .rotate)
            audit.error = "held: rule \(decision.rule) delivers every token it selects to one \(context.destination)"
        case .held where decision.hold == .ownerCredentialMissing:
            event = make(.needsPerson, .warning, "not rotating \(named) (\(decision.reason)): \(RotationSigners.missingCredential(for: token))")
            audit.error = "held: tokenwarden holds no credential of the token's owner"
        case .held:
            event = make(
                .needsPerson, .warning,
                "\(named) should be \(verb) (\(decision.reason)), but the provider has no API for it: "
                    + "a person must \(decision.action.rawValue) it in the provider's web interface")
            audit.error = "held: \(token.provider) has no API to \(decision.action.rawValue) tokens; a person must do it"
        case .report:
            event = make(
                .wouldAct, .notice, "would \(decision.action.rawValue) \(named): \(decision.reason) (report-only: [daemon] enforce = false)")
        case .deferred:
            event = make(
                .actionDeferred, .warning,
                "not \(verb) \(named) this cycle: beyond \(context.limit ?? "the blast-radius limit") (\(decision.reason))")
            audit.error = "held back by the blast-radius limit (\(context.limit ?? "max_actions_per_cycle"))"
        case .waiting:
            let failed = context.failedAt ?? context.now
            let again = ProviderTimestamp.format(failed.addingTimeInterval(PolicyActuator.rotationRetryDelay))
            let retry = context.failedAt.map { _ in again } ?? "later"
            event = make(
                .actionDeferred, .warning,
                "not rotating \(named) again before \(retry): its last rotation failed "
                    + "(`tokenwarden history \(token.reference)` says why; `tokenwarden rotate \(token.reference)` tries now)",
                action: .rotate)
            audit.error = "the last rotation failed at \(ProviderTimestamp.format(failed)); not tried again before \(again)"
        case .gaveUp:
            let held = WriteFailureRun.heldText(context.gaveUp, reference: token.reference)
            event = make(.actionDeferred, .warning, "not \(verb) \(named): \(held)")
            audit.error = "held: \(held)"
        }
        self.event = event
        self.audit = audit
    }
}
