/// Where a provider's credential lives, as written in `credential = "…"`.
/// Either a file path, or a systemd credential name resolved in `$CREDENTIALS_DIRECTORY`.
public enum CredentialReference: Sendable, Hashable, CustomStringConvertible {
    /// An absolute path to a file only its owner can read.
    case file(path: String)
    /// A name given to `LoadCredential=` in the unit file.
    case systemd(name: String)

    public var description: String {
        switch self {
        case .file(let path): path
        case .systemd(let name): "systemd credential \"\(name)\""
        }
    }
}
