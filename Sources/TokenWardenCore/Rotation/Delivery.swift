/// Where a rotated token's new secret goes (`deliver.file` or `deliver.command`) and how.
/// A rotation is only as good as its delivery, so `rotate` rules must name one.
public struct Delivery: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The destination itself.
    public enum Target: Sendable, Hashable, Codable {
        /// Written atomically (temp file, fsync, rename, fsync of the directory) to this absolute path.
        case file(path: String)
        /// Run without a shell; the secret arrives on standard input, the token's facts in `TOKENWARDEN_*`.
        case command(argv: [String])
        /// tokenwarden's own credential at this provider, kept in its state directory
        /// (`rotate_own_credential`); never a rule's delivery.
        case ownCredential(provider: String)
    }

    public var target: Target
    /// `deliver.owner`: `user` or `user:group` the file is given to (file delivery only; needs root).
    public var owner: String?
    /// `deliver.mode`: the file's permission bits. Others never get access.
    public var mode: Int
    /// `deliver.timeout`: how long a command may run before it is killed and the delivery failed.
    public var timeout: TimeSpan

    public static let defaultMode = 0o600
    public static let defaultTimeout = TimeSpan(seconds: 30)

    public init(target: Target, owner: String? = nil, mode: Int = defaultMode, timeout: TimeSpan = defaultTimeout) {
        self.target = target
        self.owner = owner
        self.mode = mode
        self.timeout = timeout
    }

    public static func file(path: String, owner: String? = nil, mode: Int = defaultMode) -> Delivery {
        Delivery(target: .file(path: path), owner: owner, mode: mode)
    }

    public static func command(argv: [String], timeout: TimeSpan = defaultTimeout) -> Delivery {
        Delivery(target: .command(argv: argv), timeout: timeout)
    }

    /// "file /etc/deploy/token (0600)" or "command /usr/local/bin/reload --service x".
    public var description: String {
        switch target {
        case .file(let path):
            "file \(path) (0\(String(mode, radix: 8))\(owner.map { ", owner \($0)" } ?? ""))"
        case .command(let argv): "command \(argv.joined(separator: " "))"
        case .ownCredential(let provider): "tokenwarden's own credential (signed in with, then kept in own-credentials/\(provider).json)"
        }
    }
}
