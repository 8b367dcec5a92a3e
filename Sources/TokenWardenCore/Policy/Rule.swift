/// One validated `[[rule]]` from a policy file.
/// Rules are data: the engine evaluates them against tokens at a given `now`.
public struct Rule: Sendable, Hashable {
    public var name: String
    /// The policy file it came from, for messages and the audit trail.
    public var sourceFile: String
    public var match: TokenMatch
    public var triggers: [Trigger]
    public var action: RuleAction
    public var delivery: Delivery?
    /// How long the old token stays valid after the new secret is delivered (rotate only).
    public var overlap: TimeSpan?
    /// `revoke_old` and `switch_over_deadline` (rotate only): when the old token is revoked.
    public var switchOver: SwitchOver = .afterOverlap
    /// `notify.to`: the notifier ids a notify rule's messages go to (none: the journal only); on a
    /// rotate rule, who is told when a switch-over stalls (besides `[daemon] alert_to`).
    public var notifyTo: [String] = []
    /// `notify.escalate_to`: told too when a token reaches a later lead time, or expires, while the
    /// notice before went unanswered (nothing about the token changed: not rotated, snoozed or revoked).
    public var escalateTo: [String] = []
    /// `when.expires_within = ["30d", "7d", "1d"]`: the lead times, longest first, when several are
    /// given (the trigger holds the longest). Each one crossed is a notice of its own.
    public var leadTimes: [TimeSpan] = []
    /// `window = ["Mon-Fri 09:00-16:00"]`: when the rule may act, in the host's time zone; none: always.
    public var windows: [ActionWindow] = []
    /// `approve = true`: each revoke or rotation waits for a person's approval (`Approval`).
    public var approve = false
    /// `approval_expires`: how long an approval is asked for, and valid once given.
    public var approvalExpires = Approval.defaultExpiry

    /// Applied when a rotate rule gives no `overlap`: consumers get an hour to pick up the new secret.
    public static let defaultOverlap = TimeSpan.hours(1)

    public init(
        name: String, sourceFile: String, match: TokenMatch = TokenMatch(), triggers: [Trigger],
        action: RuleAction, delivery: Delivery? = nil, overlap: TimeSpan? = nil
    ) {
        self.name = name
        self.sourceFile = sourceFile
        self.match = match
        self.triggers = triggers
        self.action = action
        self.delivery = delivery
        self.overlap = overlap
    }

    /// What this rule's approvals are bound to besides the token: what it does and when, written out
    /// field by field (never by reflection: a `Set` would print in another order in each process).
    public var approvalFingerprint: String {
        var deadline = "-"
        if case .whenSuccessorUsed(let span) = switchOver { deadline = span.description }
        let fields = [
            action.rawValue, triggers.map(\.description).joined(separator: ","), delivery?.description ?? "-", overlap?.description ?? "-",
            switchOver.key, deadline, windows.map(\.description).joined(separator: ","),
        ]
        return fields.joined(separator: "\u{1F}")
    }

    /// Everything a provider must offer for this rule to be evaluated and carried out there.
    public var requiredCapabilities: ProviderCapabilities {
        triggers.reduce(action.requiredCapabilities) { $0.union($1.requiredCapabilities) }
    }
}
