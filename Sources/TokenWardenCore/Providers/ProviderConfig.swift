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
    /// `identity`: who the main credential signs in as (owner name or id), where the API cannot say.
    public var identity: String?
    /// `[[provider.owner]]`: credentials of other token owners, for rotating their tokens.
    public var owners: [OwnerCredential]
    /// `max_listing_pages` and `max_listing_time`: where one listing is ended as incomplete.
    public var listingLimits: ListingLimits
    /// `rotate_own_credential`: how long before tokenwarden's own credential expires it makes itself
    /// a successor (with `enforce = true`); nil leaves the credential to the admin.
    public var rotateOwnCredential: TimeSpan?

    public init(
        id: String, kind: ProviderKind, baseURL: String, credential: CredentialReference,
        pollInterval: TimeSpan? = nil, selfTokenID: String? = nil, maxActionsPerCycle: Int? = nil,
        identity: String? = nil, owners: [OwnerCredential] = [], listingLimits: ListingLimits = .standard,
        rotateOwnCredential: TimeSpan? = nil
    ) {
        self.id = id
        self.kind = kind
        self.baseURL = baseURL
        self.credential = credential
        self.pollInterval = pollInterval
        self.selfTokenID = selfTokenID
        self.maxActionsPerCycle = maxActionsPerCycle
        self.identity = identity
        self.owners = owners
        self.listingLimits = listingLimits
        self.rotateOwnCredential = rotateOwnCredential
    }

    /// The credential that signs in as `token`'s owner, as the config names it: an owner
    /// credential by name, else nil (the main credential, when its identity owns the token).
    public func ownerCredential(for token: Token) -> OwnerCredential? {
        owners.first { $0.names(ownerOf: token) }
    }
}
