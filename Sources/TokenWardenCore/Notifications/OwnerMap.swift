/// Who a token's owner is, for `notify.to = ["owner"]`: the admin's `[[owner]]` entries (owner
/// name or glob → mail address or notifier id), in file order, then the address the provider's data
/// carries (Cryptlex's `user.email`), then `[owners] fallback`. A token that resolves to no one goes
/// to the fallback and is counted as such, never dropped.
public struct OwnerMap: Sendable, Hashable {
    /// Where an owner's messages go.
    public enum Recipient: Sendable, Hashable, CustomStringConvertible {
        /// A mail address, sent through `[owners] mail`, a mail notifier.
        case address(String)
        /// A configured `[[notifier]]`.
        case notifier(String)

        public var description: String {
            switch self {
            case .address(let address): address
            case .notifier(let id): "notifier \(id)"
            }
        }
    }

    /// One `[[owner]]` entry.
    public struct Entry: Sendable, Hashable {
        public var owner: Glob
        public var recipient: Recipient

        public init(owner: Glob, recipient: Recipient) {
            self.owner = owner
            self.recipient = recipient
        }
    }

    /// How a token's owner was resolved.
    public enum Resolution: Sendable, Hashable {
        case mapped(Recipient)
        /// The provider's data named the address.
        case providerAddress(String)
        /// No entry and no address: the fallback hears of it.
        case fallback(String)
    }

    public var entries: [Entry]
    /// The notifier told of tokens whose owner resolves to no one.
    public var fallback: String?
    /// The mail notifier owner addresses are sent through (its `from`, `sendmail` and `digest`).
    public var mail: String?
    /// Whether an address in the provider's data (extras `owner_email`) may be used. Off unless
    /// `[owners] provider_addresses = true`: provider data is untrusted, and the first `sync` must
    /// not mail addresses nobody configured.
    public var providerAddresses: Bool

    /// The extras key provider drivers fill with the owner's mail address, where their data has one.
    public static let addressExtra = "owner_email"

    public init(entries: [Entry] = [], fallback: String? = nil, mail: String? = nil, providerAddresses: Bool = false) {
        self.entries = entries
        self.fallback = fallback
        self.mail = mail
        self.providerAddresses = providerAddresses
    }

    /// Where `token`'s owner is told, or nil when no fallback is configured (the config refuses
    /// `"owner"` recipients then, so callers never see nil for a validated config).
    public func resolve(_ token: Token) -> Resolution? {
        let names = [token.owner, token.extras["owner_id"]].compactMap { $0 }
        for entry in entries where names.contains(where: entry.owner.matches) {
            return .mapped(entry.recipient)
        }
        if providerAddresses, mail != nil, let address = token.extras[Self.addressExtra], Self.isAddress(address) {
            return .providerAddress(address)
        }
        return fallback.map(Resolution.fallback)
    }

    /// A plain `user@host` with nothing a mail header could be split on: provider data is untrusted.
    public static func isAddress(_ text: String) -> Bool {
        guard text.count <= 254, let at = text.firstIndex(of: "@"), at != text.startIndex, text.index(after: at) != text.endIndex else {
            return false
        }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!#$%&'*+/=?^_`{|}~-@")
        return text.allSatisfy(allowed.contains) && text.filter { $0 == "@" }.count == 1
    }
}
