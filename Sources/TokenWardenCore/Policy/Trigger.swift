/// One `when.*` condition of a rule; a rule fires only when all of its triggers hold.
/// Each trigger names the provider facts it needs, so validation can refuse rules that could never fire.
public enum Trigger: Sendable, Hashable, CustomStringConvertible {
    /// `when.expires_within`: the token expires within this span from now (and has not yet).
    case expiresWithin(TimeSpan)
    /// `when.expired = true`: the token's expiry has passed.
    case expired
    /// `when.unused_for`: no use for this long (never used counts from creation).
    case unusedFor(TimeSpan)
    /// `when.age_over`: created longer ago than this.
    case ageOver(TimeSpan)

    /// The policy-file key, e.g. `when.unused_for`.
    public var key: String {
        switch self {
        case .expiresWithin: "when.expires_within"
        case .expired: "when.expired"
        case .unusedFor: "when.unused_for"
        case .ageOver: "when.age_over"
        }
    }

    public var requiredCapabilities: ProviderCapabilities {
        switch self {
        case .expiresWithin, .expired: .expiry
        case .unusedFor: [.lastUsed, .creationTime]
        case .ageOver: .creationTime
        }
    }

    public var description: String {
        switch self {
        case .expiresWithin(let span): "expires within \(span)"
        case .expired: "expired"
        case .unusedFor(let span): "unused for \(span)"
        case .ageOver(let span): "older than \(span)"
        }
    }
}
