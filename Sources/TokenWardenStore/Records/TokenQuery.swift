import TokenWardenCore

/// The filters of `tokenwarden tokens`; all given filters must hold.
/// By default gone tokens are left out: they are history, not inventory.
public struct TokenQuery: Sendable, Hashable {
    public var provider: String?
    public var states: Set<TokenState>
    /// Not yet expired, and expiring within this span.
    public var expiringWithin: TimeSpan?
    /// No use for this long (never used counts from creation); only providers that report last use.
    public var unusedFor: TimeSpan?

    public static let defaultStates: Set<TokenState> = [.active, .revoked, .expired]

    public init(
        provider: String? = nil, states: Set<TokenState> = defaultStates,
        expiringWithin: TimeSpan? = nil, unusedFor: TimeSpan? = nil
    ) {
        self.provider = provider
        self.states = states
        self.expiringWithin = expiringWithin
        self.unusedFor = unusedFor
    }
}
