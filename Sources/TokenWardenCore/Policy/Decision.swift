import Foundation

/// What policy says about one token at one moment: the action that wins, the rule behind it, every
/// rule that matched, and why, in words an on-call can check.
public struct Decision: Sendable, Hashable {
    /// Why a decided action will not be carried out by tokenwarden.
    public enum Hold: String, Sendable, Hashable, Codable {
        /// The token tokenwarden itself authenticates with: never revoked or rotated by policy.
        case ownCredential = "own-credential"
        /// The provider has no API for the action (Planning Center): a person must do it.
        case needsPerson = "needs-person"
        /// A rotation whose token belongs to an owner tokenwarden holds no credential of: the
        /// successor would belong to whoever signs in, so a person must add the owner's credential.
        case ownerCredentialMissing = "owner-credential-missing"
        /// A rotate rule whose one destination (a file, or a command that does not name its token)
        /// serves several live tokens: each successor would overwrite the other's secret.
        case sharedDestination = "shared-destination"
        /// An admin snoozed the token (`tokenwarden snooze`): nothing is done or sent until the date.
        case snoozed
        /// An admin exempted the token (`tokenwarden exempt`): nothing is done or sent until `unsnooze`.
        case exempt
        /// An admin paused tokenwarden's writes (`tokenwarden pause`): no revoke or rotation until
        /// `resume`, or the pause's end; notices still go out.
        case paused
        /// The rule acts only inside its `window`, and it is closed now: held until the next opening.
        case outsideWindow = "outside-window"
        /// The rule has `approve = true` and no person has approved this decision yet
        /// (`tokenwarden approvals` lists it, `tokenwarden approve` lets it go ahead).
        case awaitingApproval = "awaiting-approval"
        /// A person refused this decision (`tokenwarden deny`): held while its facts stay the same.
        case denied
    }

    public var token: Token
    public var action: RuleAction
    /// The rule whose action won (the first in policy order among the strongest).
    public var rule: String
    /// Every rule that matched, in policy order.
    public var matchedRules: [String]
    /// E.g. "unused for 412 days (last used 2025-10-07); rule revoke-stale allows 365d".
    public var reason: String
    public var hold: Hold?
    /// For a rule with `when.expires_within`: the lead time the token has crossed (with several, the
    /// shortest not yet passed).
    public var leadTime: TimeSpan?
    /// The snooze or exemption behind a `snoozed` or `exempt` hold.
    public var suspension: Suspension?
    /// The pause behind a `paused` hold.
    public var pause: Pause?
    /// When the rule's window next opens, for an `outside-window` hold.
    public var windowOpens: Date?
    /// The approval behind a `denied` hold, or the one that let it go ahead.
    public var approval: Approval?
    /// For a rule with `approve = true`: the rule as configured, which its approvals are bound to.
    public var ruleFingerprint: String?

    public init(token: Token, action: RuleAction, rule: String, matchedRules: [String], reason: String, hold: Hold? = nil) {
        self.token = token
        self.action = action
        self.rule = rule
        self.matchedRules = matchedRules
        self.reason = reason
        self.hold = hold
    }
}
