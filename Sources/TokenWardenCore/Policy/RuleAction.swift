/// What a rule asks for when it fires.
/// When several rules match one token the strongest wins: revoke > rotate > notify.
public enum RuleAction: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case notify
    case rotate
    case revoke

    /// Higher is stronger.
    public var strength: Int {
        switch self {
        case .notify: 0
        case .rotate: 1
        case .revoke: 2
        }
    }

    public static func < (lhs: RuleAction, rhs: RuleAction) -> Bool { lhs.strength < rhs.strength }

    /// Whether a rule with this action may fire on a token in `state`: an expired token is never
    /// rotated (nothing depends on it any more; a revoke or a notice still may).
    public func applies(to state: TokenState) -> Bool { !(self == .rotate && state == .expired) }

    /// What the provider must offer for the action to be carried out. A revoke on a provider without
    /// a revoke API (Planning Center) is still allowed: it becomes a request to a human.
    public var requiredCapabilities: ProviderCapabilities {
        switch self {
        case .notify, .revoke: []
        case .rotate: [.create, .revoke]
        }
    }
}
