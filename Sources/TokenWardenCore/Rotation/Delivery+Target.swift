extension Delivery {
    /// The argument a delivery command names its token with: `{token_id}` in any argv element is
    /// replaced by the token's provider id, so one rule can deliver each token to its own consumer.
    public static let tokenPlaceholder = "{token_id}"

    /// Whether each token gets a destination of its own: only a command whose argv names the token.
    /// A file, or a command without the placeholder, is one destination however many tokens it serves.
    public var isPerToken: Bool {
        if case .command(let argv) = target { return argv.contains { $0.contains(Self.tokenPlaceholder) } }
        return false
    }

    /// This delivery for one token: the placeholder filled in (it stays literal in a file path).
    public func resolved(for token: Token) -> Delivery {
        guard case .command(let argv) = target else { return self }
        var resolved = self
        resolved.target = .command(argv: argv.map { $0.replacingOccurrences(of: Self.tokenPlaceholder, with: token.id) })
        return resolved
    }

    /// What two deliveries that would overwrite each other share: the file's path, or the argv.
    public var destination: String {
        switch target {
        case .file(let path): "file \(path)"
        case .command(let argv): "command \(argv.joined(separator: " "))"
        case .ownCredential(let provider): "tokenwarden's own credential at \(provider)"
        }
    }
}
