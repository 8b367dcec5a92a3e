extension Token {
    /// The provider's id of the owner, kept in `extras` by the drivers that report one
    /// (`owner_id`: SailPoint, Cryptlex, AAP; `user_id`: AWX), else nil.
    public var ownerID: String? { extras["owner_id"] ?? extras["user_id"] }
}

extension ObservedToken {
    /// As `Token.ownerID`: the provider's id of the owner, where the driver kept one.
    public var ownerID: String? { extras["owner_id"] ?? extras["user_id"] }
}
