/// One `[[provider.owner]]` table: a credential of one token owner, so tokenwarden can rotate that
/// owner's tokens. A provider creates tokens only for whoever signs in, so a successor made with any
/// other credential would belong to someone else.
public struct OwnerCredential: Sendable, Hashable {
    /// The owner as `tokenwarden tokens` lists it (AWX username, SailPoint display name, Cryptlex
    /// user id) or the provider's id for it.
    public var name: String
    public var credential: CredentialReference

    public init(name: String, credential: CredentialReference) {
        self.name = name
        self.credential = credential
    }

    /// Whether this is the credential of `token`'s owner, as the config names it.
    public func names(ownerOf token: Token) -> Bool {
        token.owner == name || token.ownerID == name
    }
}
