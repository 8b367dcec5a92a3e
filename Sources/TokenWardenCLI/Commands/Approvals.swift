import ArgumentParser
import Foundation
import TokenWardenCore
import TokenWardenStore

/// `tokenwarden approvals [--json]`: the decisions of `approve = true` rules that wait for a person.
struct Approvals: ConfiguredCommand {
    static let configuration = CommandConfiguration(
        commandName: "approvals",
        abstract: "List the revokes and rotations that wait for a person's approval, and the answers given.",
        discussion: """
            A rule with approve = true holds each revoke or rotation it decides until a person \
            approves it (`tokenwarden approve TOKEN --reason TEXT`) or refuses it (`tokenwarden deny`). \
            The rule's notify.to is told when one is asked for. An approval is bound to the facts it \
            was given for: when the token changes (renewed, rotated) or another rule decides, it no \
            longer applies and a new one is asked for. Nobody answering, or an approval not used \
            (say, during a pause), lapses after the rule's approval_expires (default 7d).

            Lists every open approval: waiting, approved (the next cycle acts) and denied.

            Examples:
              tokenwarden approvals
              tokenwarden approvals --json
            """
    )

    @OptionGroup var options: ConfigOptions

    @OptionGroup var time: TimeOptions

    @Flag(help: "Print a JSON array (docs/json.md).")
    var json = false

    func run(_ context: CommandContext) async throws {
        let (configuration, _) = try context.configurationForReading()
        let store = try configuration.openInventory()
        // An approval whose token is revoked or gone was carried out (or made moot): not open any more.
        let open = try store.openApprovals(at: Date()).values
            .filter { approval in
                try store.token(provider: approval.provider, id: approval.tokenID).map { $0.state == .active || $0.state == .expired } ?? false
            }
            .sorted { ($0.requestedAt, $0.reference) < ($1.requestedAt, $1.reference) }
        if json { return try JSONOutput.print(open.map(Self.fields)) }
        guard !open.isEmpty else { return print("no approvals are open") }
        var table = TextTable("TOKEN", "ACTION", "RULE", "STATE", "ASKED", "UNTIL", "WHY")
        for approval in open {
            let answer = approval.decidedBy.map { " by \($0): \(approval.decisionReason ?? "")" } ?? ""
            table.append([
                approval.reference, approval.action.rawValue, approval.rule, approval.state.rawValue + answer,
                time.human.instant(approval.requestedAt), time.human.instant(approval.expiresAt), approval.reason,
            ])
        }
        print(table.render())
        let waiting = open.filter { $0.state == .pending }.count
        if waiting > 0 { print("\n`tokenwarden approve TOKEN --reason TEXT` lets one go ahead; `tokenwarden deny TOKEN --reason TEXT` refuses it") }
    }

    static func fields(_ approval: Approval) -> JSONFields {
        JSONFields([
            "token": .string(approval.reference), "rule": .string(approval.rule), "action": .string(approval.action.rawValue),
            "reason": .string(approval.reason), "state": .string(approval.state.rawValue), "requested_at": .instant(approval.requestedAt),
            "expires_at": .instant(approval.expiresAt), "decided_by": .string(approval.decidedBy),
            "decision_reason": .string(approval.decisionReason),
        ])
    }

    /// `approve` and `deny`: the answer to the open approval of the token, the one shown to the
    /// admin (asked on a terminal, unless --yes) and matching --rule and --action; audited and journaled.
    static func answer(_ state: Approval.State, options: AnswerOptions, context: CommandContext) throws {
        let by = AdminIdentity.current(environment: context.environment)
        let configuration = try context.configuration()
        let store = try configuration.openStore()
        let target = try store.resolve(options.token)
        guard let open = try store.openApproval(provider: target.provider, tokenID: target.id, at: Date()) else {
            throw Refusal(
                "no approval is asked for \(target.reference) (`tokenwarden approvals` lists those open; a rule with approve = true asks "
                    + "at the cycle that decides)")
        }
        let asked = "the \(open.action.rawValue) of \(target.reference) \"\(target.name)\" by rule \(open.rule) (\(open.reason))"
        if let rule = options.rule, rule != open.rule {
            throw Refusal("the open approval of \(target.reference) is \(asked), not one by rule \(rule); `tokenwarden approvals` shows it")
        }
        if let action = options.action, action != open.action.rawValue {
            throw Refusal("the open approval of \(target.reference) is \(asked), not a \(action); `tokenwarden approvals` shows it")
        }
        let verb = state == .approved ? "approve" : "deny"
        // A second answer replaces the first: said, not done in silence.
        let earlier = open.decidedBy.map { " It was \(open.state.rawValue) by \($0): \(open.decisionReason ?? ""); this answer replaces that." } ?? ""
        guard try Confirmation.ask("\(verb.capitalized) \(asked)?\(earlier)", yes: options.yes, verb: verb) else { throw Refusal("not answered") }
        guard
            let approval = try store.decideApproval(
                provider: target.provider, tokenID: target.id, id: open.id, state, by: by.description, byUID: by.uid,
                reason: options.reason, at: Date())
        else {
            throw Refusal("the approval of \(target.reference) changed while you were asked; `tokenwarden approvals` shows the one open now")
        }
        CommandJournal.record([.approvalDecided(approval, token: target)])
        if !earlier.isEmpty {
            StandardError.note("\(target.reference): the earlier answer (\(open.state.rawValue) by \(open.decidedBy ?? "?")) is replaced")
        }
        let pause = Pause.holding(target.provider, in: try store.pauses(at: Date()), at: Date())
        let done = state == .approved ? "approved" : "denied"
        let valid = "valid until \(ProviderTimestamp.format(approval.expiresAt))"
        let next =
            state != .approved
            ? ""
            : pause.map { "; writes to \($0.scope) are \($0.description): it waits for `tokenwarden resume` (\(valid))" }
                ?? "; the next cycle acts (or `tokenwarden sync`), \(valid)"
        print("\(done) \(asked)\(next)".terminalSafe)
    }
}
