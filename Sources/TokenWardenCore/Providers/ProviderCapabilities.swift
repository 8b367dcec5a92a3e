/// The facts and operations a provider's API offers.
/// Policy validation reads it so a rule never silently depends on data a provider cannot give.
public struct ProviderCapabilities: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Tokens carry a creation time.
    public static let creationTime = ProviderCapabilities(rawValue: 1 << 0)
    /// Tokens carry a last-used time.
    public static let lastUsed = ProviderCapabilities(rawValue: 1 << 1)
    /// Tokens carry an expiry (or an explicit "never").
    public static let expiry = ProviderCapabilities(rawValue: 1 << 2)
    /// The API can revoke or delete a token.
    public static let revoke = ProviderCapabilities(rawValue: 1 << 3)
    /// The API can create a token and return its secret once.
    public static let create = ProviderCapabilities(rawValue: 1 << 4)

    /// Human words for each capability, in a stable order, for messages.
    public var names: [String] {
        var names: [String] = []
        if contains(.creationTime) { names.append("creation time") }
        if contains(.lastUsed) { names.append("last-used data") }
        if contains(.expiry) { names.append("expiry data") }
        if contains(.revoke) { names.append("revoke API") }
        if contains(.create) { names.append("create API") }
        return names
    }
}
