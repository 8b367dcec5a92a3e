/// Who a credential signs in as at a provider: the owner every token it creates belongs to.
/// Providers create a token only for the identity that signs in (AWX ignores the user id in the
/// create URL, SailPoint and Cryptlex take no owner at all), so this is also whose tokens it can
/// rotate without handing someone else's rights to a consumer.
public struct ProviderIdentity: Sendable, Hashable, CustomStringConvertible {
    /// The provider's stable id for the owner (AWX's user id, SailPoint's identity id, Cryptlex's user id).
    public var id: String
    /// The name people see (AWX's username, SailPoint's display name), when the API gives one.
    public var name: String?

    public init(id: String, name: String? = nil) {
        self.id = id
        self.name = name
    }

    /// Whether `token` belongs to this identity: by the owner id the provider reported, or, where it
    /// reported none, by the owner as listed.
    public func owns(_ token: Token) -> Bool {
        if let ownerID = token.ownerID { return ownerID == id }
        return token.owner.map { $0 == id || $0 == name } ?? false
    }

    /// "deploy-bot (user 7)", or the id alone.
    public var description: String {
        guard let name, name != id else { return id }
        return "\(name) (id \(id))"
    }
}
