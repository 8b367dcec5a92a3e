/// The `match.*` filters of a rule; an empty list means "any".
/// Names and owners are shell globs; a name pattern matches a token's own name or its lineage's base
/// name (`Token.baseName`), so a rule written for `ci-deploy` keeps selecting its successors;
/// providers are exact config ids; scopes match if the token has any.
public struct TokenMatch: Sendable, Hashable {
    public var providers: [String]
    public var names: [Glob]
    public var owners: [Glob]
    public var scopes: [String]

    public init(providers: [String] = [], names: [Glob] = [], owners: [Glob] = [], scopes: [String] = []) {
        self.providers = providers
        self.names = names
        self.owners = owners
        self.scopes = scopes
    }

    public func matches(_ token: Token) -> Bool {
        (providers.isEmpty || providers.contains(token.provider))
            && (names.isEmpty || names.contains { $0.matches(token.name) || token.baseName.map($0.matches) == true })
            && (owners.isEmpty || token.owner.map { owner in owners.contains { $0.matches(owner) } } == true)
            && (scopes.isEmpty || token.scopes.contains { scopes.contains($0) })
    }
}
