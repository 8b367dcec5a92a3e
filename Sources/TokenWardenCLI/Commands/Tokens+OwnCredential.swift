import TokenWardenCore

extension Tokens {
    /// Under `tokens --provider X`: which token is tokenwarden's own credential, or, when it cannot
    /// tell, how the admin finds out (the `self_token_id` refusal sends them here).
    static func ownCredentialNote(_ provider: ProviderConfig, own: Set<String>, tokens: [Token], identity: ProviderIdentity?) -> String? {
        guard provider.kind.capabilities.contains(.revoke) else { return nil }
        if let id = own.first(where: { $0.hasPrefix(provider.id + "/") }) {
            let listed = tokens.contains { $0.reference == id }
            return "tokenwarden's own credential at \(provider.id) is \(id)"
                + (listed ? " (marked above); policy never revokes or rotates it" : ", which is not among the tokens listed")
        }
        var note =
            "tokenwarden cannot tell which token it signs in to \(provider.id) with: set self_token_id in the [[provider]] table to that "
            + "token's id."
        guard let identity else {
            return note + " Its credential's user is not known yet: after a sync, this list says whose tokens are candidates."
        }
        let candidates = tokens.filter { identity.owns($0) && $0.state == .active }.map(\.id)
        note += " Its credential signs in as \(identity)"
        if candidates.isEmpty {
            return note
                + ", who owns none of the tokens listed: the credential may not be a token this API lists (an application's token, "
                + "or one of another user), and then none of these is at risk"
        }
        return note + "; of the tokens listed, \(candidates.count == 1 ? "this one is" : "these are") that user's: "
            + candidates.joined(separator: ", ") + " (compare each one's created date and description with the credential's)"
    }
}
