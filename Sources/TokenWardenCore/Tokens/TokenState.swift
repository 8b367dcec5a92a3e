/// Where a token stands in its life, as tokenwarden last saw it.
/// `gone` is tokenwarden's own word: a complete listing no longer contained the token.
public enum TokenState: String, Sendable, Hashable, CaseIterable, Codable {
    case active
    case revoked
    case expired
    case gone
}
