import Foundation
import TokenWardenConfig
import TokenWardenCore
import TokenWardenStore

/// Assembles what a command needs from one config file: the configuration and the token store.
/// Commands differ only in how much they need, so each asks for exactly that.
public enum Runtime {
    /// The configuration for commands that only read the inventory: any parsable config will do, so an
    /// on-call can still look at tokens while a config mistake is being fixed. Problems are returned to warn about.
    public static func configurationForReading(path: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ConfigError) -> (configuration: Configuration, problems: [ConfigProblem])
    {
        let (configuration, problems) = ConfigLoader(environment: environment).read(path: path)
        guard let configuration else { throw ConfigError(problems: problems) }
        return (configuration, problems)
    }

    /// The inventory, opened read-only: looking never creates, migrates or changes the database.
    public static func inventory(for configuration: Configuration) throws(StoreError) -> TokenStore {
        try TokenStore.openReadOnly(path: configuration.databasePath)
    }
}
