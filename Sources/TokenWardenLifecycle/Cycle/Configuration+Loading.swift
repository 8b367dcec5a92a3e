import Foundation
import TokenWardenConfig
import TokenWardenCore
import TokenWardenStore

/// The configuration, its policies and its store, loaded the ways commands and the daemon need them.
extension Configuration {
    /// The configuration for commands that only read the inventory: any parsable config will do, so an
    /// on-call can still look at tokens while a config mistake is being fixed. Problems are returned to warn about.
    public static func forReading(path: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ConfigError) -> (configuration: Configuration, problems: [ConfigProblem])
    {
        let (configuration, problems) = ConfigLoader(environment: environment).read(path: path)
        guard let configuration else { throw ConfigError(problems: problems) }
        return (configuration, problems)
    }

    /// The store for commands that poll or act: created and migrated if needed, providers registered;
    /// checked first unless `checking` is false (the daemon checks after `READY=1`).
    public func openStore(checking: Bool = true, now: Date = Date()) throws -> TokenStore {
        try StateOwnershipError.check(daemon.stateDirectory)
        let store = try TokenStore.open(path: databasePath, checking: checking)
        try store.registerProviders(providers, at: now)
        return store
    }

    /// The inventory, opened read-only: looking never creates, migrates or changes the database.
    public func openInventory() throws(StoreError) -> TokenStore {
        try TokenStore.openReadOnly(path: databasePath)
    }
}
