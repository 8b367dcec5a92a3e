extension ObservedToken {
    /// The longest text kept of one provider string (a name, an owner, a scope, an extra); provider
    /// data is untrusted, and one megabyte-long name would otherwise be stored, indexed and printed.
    public static let fieldLimit = 1_024
    /// The most scopes and extras kept of one token.
    public static let countLimit = 64

    /// These facts with every provider string cut to `fieldLimit` characters (a cut ends in "…") and
    /// at most `countLimit` scopes and extras.
    public var capped: ObservedToken {
        func cut(_ text: String) -> String { text.count <= Self.fieldLimit ? text : String(text.prefix(Self.fieldLimit - 1)) + "…" }
        guard
            id.count > Self.fieldLimit || name.count > Self.fieldLimit || (owner?.count ?? 0) > Self.fieldLimit
                || scopes.count > Self.countLimit || extras.count > Self.countLimit
                || scopes.contains(where: { $0.count > Self.fieldLimit }) || extras.contains(where: { $0.value.count > Self.fieldLimit })
        else {
            return self
        }
        var copy = self
        // An id is how the provider finds the token again: cutting it would name another, so it stays.
        copy.name = cut(name)
        copy.owner = owner.map(cut)
        copy.scopes = scopes.prefix(Self.countLimit).map(cut)
        copy.extras = Dictionary(uniqueKeysWithValues: extras.sorted { $0.key < $1.key }.prefix(Self.countLimit).map { (cut($0.key), cut($0.value)) })
        return copy
    }
}
