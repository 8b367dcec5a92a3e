/// Where a rotated token's new secret goes (`deliver.file` or `deliver.command`).
/// A rotation is only as good as its delivery, so `rotate` rules must name one.
public enum Delivery: Sendable, Hashable, CustomStringConvertible {
    /// Written atomically with mode 0600 to this absolute path.
    case file(path: String)
    /// Run without a shell; the secret arrives on standard input.
    case command(argv: [String])

    public var description: String {
        switch self {
        case let .file(path): "file \(path)"
        case let .command(argv): "command \(argv.joined(separator: " "))"
        }
    }
}
