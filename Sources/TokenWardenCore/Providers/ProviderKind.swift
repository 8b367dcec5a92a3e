/// One of the six token APIs tokenwarden speaks, as written in `kind = "…"` in the config.
/// The kind decides the driver, the credential format and what facts the provider can report.
public enum ProviderKind: String, Sendable, Hashable, CaseIterable, Codable {
    case planningCenter = "planningcenter"
    case sailPoint = "sailpoint"
    case cryptlex = "cryptlex"
    case synergy = "synergy"
    case awx = "awx"
    /// Ansible Automation Platform 2.5 and later: tokens are managed at the platform gateway.
    case aap = "aap"

    /// The product name an admin recognises, for messages.
    public var displayName: String {
        switch self {
        case .planningCenter: "Planning Center"
        case .sailPoint: "SailPoint IdentityNow v3"
        case .cryptlex: "Cryptlex v3"
        case .synergy: "12d Synergy"
        case .awx: "AWX / Tower / AAP ≤ 2.4"
        case .aap: "AAP 2.5+ platform gateway"
        }
    }

    /// What the provider's API reports and allows (see docs/providers.md for the sources).
    public var capabilities: ProviderCapabilities {
        switch self {
        // Planning Center lists names only: no timestamps, no create/revoke endpoints.
        case .planningCenter: []
        // The gateway's token serializer emits every concrete model field, `last_used` among them.
        case .sailPoint, .cryptlex, .aap: [.creationTime, .lastUsed, .expiry, .revoke, .create]
        // Synergy and AWX have no last-used field in their APIs.
        case .synergy, .awx: [.creationTime, .expiry, .revoke, .create]
        }
    }

    /// The API lists only the tokens of whoever signs in (Planning Center's 2019-02-13 changelog,
    /// 12d Synergy's `getPersonalAccessTokens`): every listed token is the main credential's own.
    public var listsOnlyOwnTokens: Bool { self == .planningCenter || self == .synergy }

    /// Its tokens carry scopes that a successor must copy (12d Synergy's and Planning Center's have none).
    public var tokensCarryScopes: Bool { self == .sailPoint || self == .cryptlex || self == .awx || self == .aap }

    /// A token listed without an expiry really never expires, and one like it can be created
    /// (SailPoint's newer API, Cryptlex's `expiresAt: null`), so a successor keeps "never".
    public var reportsNeverExpiring: Bool { self == .sailPoint || self == .cryptlex }

    /// The longest token name the provider takes, in Unicode scalars: a successor's name is cut to fit
    /// (`SuccessorName`). Where no public source gives a limit the figure is a cautious guess, and
    /// README's table of unverified facts says so.
    public var maxTokenNameLength: Int {
        switch self {
        case .sailPoint: 128
        case .cryptlex: 100
        case .synergy: 100
        case .awx, .aap: 200
        case .planningCenter: 255
        }
    }

    /// How the credential file's content is read for this kind.
    public var credentialFormat: Credential.Format {
        switch self {
        case .planningCenter: .pair(left: "APPLICATION_ID", right: "SECRET")
        case .sailPoint: .pair(left: "CLIENT_ID", right: "CLIENT_SECRET")
        case .cryptlex, .synergy, .awx, .aap: .bearer
        }
    }
}
