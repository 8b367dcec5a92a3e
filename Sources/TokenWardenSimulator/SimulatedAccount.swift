import TokenWardenCore

/// A credential a simulated API accepts and the identity it signs in as. As in the real APIs, a
/// token created with it belongs to that identity, whatever the request says (provider reference §0.1).
public struct SimulatedAccount: Sendable, Hashable {
    /// The credential file's content (`id:secret` or a bearer token).
    public let credential: String
    /// The owner id the API reports for its tokens (AWX user id, SailPoint identity id, Cryptlex user id).
    public let ownerID: String
    /// The owner name the API reports (AWX username, SailPoint display name; Cryptlex's user id).
    public let ownerName: String

    /// The identity a seeded token's `owner` stands for at `kind`: the ids the simulated APIs list.
    public static func identity(of owner: String, kind: ProviderKind) -> (id: String, name: String) {
        switch kind {
        case .awx, .aap: (owner == "admin" ? "1" : String(owner.hashValueStable % 900 + 2), owner)
        case .sailPoint: ("2c9180a46faadee4016fb4e018c2" + String(format: "%04d", owner.hashValueStable % 10_000), owner)
        case .cryptlex, .synergy, .planningCenter: (owner, owner)
        }
    }

    /// Who the main credential of each kind signs in as: an admin account, as tokenwarden is usually given.
    public static func mainOwner(of kind: ProviderKind) -> String {
        switch kind {
        case .awx, .aap: "admin"
        case .sailPoint: "tokenwarden"
        case .cryptlex: "u-tokenwarden"
        // Both list only the caller's own tokens: every seeded token is the main credential's.
        case .synergy: "1_1"
        case .planningCenter: "pco-user"
        }
    }
}
