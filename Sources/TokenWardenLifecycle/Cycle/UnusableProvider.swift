/// A configured provider no driver could be made for (its credential unreadable, say), and why.
public struct UnusableProvider: Sendable {
    public let provider: String
    public let reason: String

    public init(provider: String, reason: String) {
        self.provider = provider
        self.reason = reason
    }
}
