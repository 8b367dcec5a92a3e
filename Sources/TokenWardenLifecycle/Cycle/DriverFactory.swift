import Foundation
import TokenWardenConfig
import TokenWardenCore
import TokenWardenProviders

/// Drivers from configuration: each provider's main credential loaded and checked, and the owner
/// credentials rotations create successors with.
public enum DriverFactory {
    /// A driver for every provider whose credential loads; the others with the reason they cannot be polled.
    public static func drivers(
        for configuration: Configuration, http: ProviderHTTPClient, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> (ready: [ReadyProvider], failed: [UnusableProvider]) {
        var ready: [ReadyProvider] = []
        var failed: [UnusableProvider] = []
        for provider in configuration.providers {
            do {
                let (driver, main) = try signedIn(
                    provider, stateDirectory: configuration.daemon.stateDirectory, http: http, environment: environment)
                ready.append(ReadyProvider(config: provider, driver: driver, ignoredSuccessor: ignoredSuccessor(of: main)))
            } catch {
                failed.append(UnusableProvider(provider: provider.id, reason: String(describing: error)))
            }
        }
        return (ready, failed)
    }

    /// The driver of one provider, with its credential loaded and checked: the configured one, or
    /// tokenwarden's own successor of it in `stateDirectory` (`MainCredential`).
    public static func driver(
        for provider: ProviderConfig, stateDirectory: String, http: ProviderHTTPClient,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> any ProviderDriver {
        try signedIn(provider, stateDirectory: stateDirectory, http: http, environment: environment).driver
    }

    /// `driver(for:…)` with the credential it signs in with and where that came from.
    public static func signedIn(
        _ provider: ProviderConfig, stateDirectory: String, http: ProviderHTTPClient,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> (driver: any ProviderDriver, main: MainCredential) {
        let main = try MainCredential.resolve(provider, stateDirectory: stateDirectory, loader: CredentialLoader(environment: environment))
        return (try ProviderDrivers.make(for: provider, credential: main.credential, http: http), main)
    }

    /// The stored successor's token id where the configured credential overrides it, unless the
    /// configured credential is that successor (an admin who copied it there).
    static func ignoredSuccessor(of main: MainCredential) -> String? {
        guard case .configuredOverSuccessor(let entry) = main.source,
            entry.credential.revealContent() != main.configured.credential.revealContent()
        else { return nil }
        return entry.tokenID
    }

    /// The driver that signs in as `token`'s owner to create its successor: the `[[provider.owner]]`
    /// credential the config names for that owner, else the provider's main `driver` (whose identity
    /// the policy has checked owns the token; the rotation checks the provider's answer either way).
    public static func creator(
        for token: Token, provider: ProviderConfig, main driver: any ProviderDriver, http: ProviderHTTPClient,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> any ProviderDriver {
        guard let owner = provider.ownerCredential(for: token) else { return driver }
        let credential = try CredentialLoader(environment: environment).load(owner.credential, kind: provider.kind).credential
        return try ProviderDrivers.make(for: provider, credential: credential, http: http)
    }

    /// `creator(for:…)` for every provider of `configuration`: what a cycle's rotations create with.
    public static func creators(
        for configuration: Configuration, http: ProviderHTTPClient, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> RotationStarter.Creator {
        { token, main in
            guard let provider = configuration.provider(id: token.provider) else { return main }
            return try creator(for: token, provider: provider, main: main, http: http, environment: environment)
        }
    }
}
