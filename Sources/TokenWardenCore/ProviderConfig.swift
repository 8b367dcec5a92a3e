/// One `[[provider]]` table: a provider instance tokenwarden polls.
/// `id` is the admin's name for it and appears in rules, the store and the journal.
public struct ProviderConfig: Sendable, Hashable {
    public var id: String
    public var kind: ProviderKind
    /// Scheme, host, optional port and path prefix, without a trailing slash.
    public var baseURL: String
    public var credential: CredentialReference
    /// Overrides `[daemon] poll_interval` for this provider.
    public var pollInterval: TimeSpan?
    /// The provider's id of the token tokenwarden itself authenticates with: never revoked or rotated.
    public var selfTokenID: String?
    /// A tighter blast-radius limit for this provider than `[daemon] max_actions_per_cycle`.
    public var maxActionsPerCycle: Int?

    public init(id: String, kind: ProviderKind, baseURL: String, credential: CredentialReference,
                pollInterval: TimeSpan? = nil, selfTokenID: String? = nil, maxActionsPerCycle: Int? = nil) {
        self.id = id
        self.kind = kind
        self.baseURL = baseURL
        self.credential = credential
        self.pollInterval = pollInterval
        self.selfTokenID = selfTokenID
        self.maxActionsPerCycle = maxActionsPerCycle
    }
}
