import TokenWardenCore

/// A configured provider with the driver a cycle polls and writes through.
public struct ReadyProvider: Sendable {
    public let config: ProviderConfig
    public let driver: any ProviderDriver
    /// The token id of a successor `rotate_own_credential` stored that the configured credential
    /// overrides (a new one was put there): a live token nothing signs in with.
    public var ignoredSuccessor: String?

    public init(config: ProviderConfig, driver: any ProviderDriver, ignoredSuccessor: String? = nil) {
        self.config = config
        self.driver = driver
        self.ignoredSuccessor = ignoredSuccessor
    }
}
