import TokenWardenCore

/// A configured provider with the driver a cycle polls and writes through.
public struct ReadyProvider: Sendable {
    public let config: ProviderConfig
    public let driver: any ProviderDriver

    public init(config: ProviderConfig, driver: any ProviderDriver) {
        self.config = config
        self.driver = driver
    }
}
