import Foundation
import TokenWardenConfig
import TokenWardenCore
import TokenWardenLifecycle
import TokenWardenProviders

/// Reads the configuration and policies into a `CycleSetup`: at start, and again on each SIGHUP.
/// The HTTP client is made once, at start, with that configuration's `request_timeout` (a reload
/// keeps it: restart to change it).
struct SetupLoader: Sendable {
    let options: DaemonOptions
    let http: ProviderHTTPClient

    /// The first load: the configuration and its policies (`ConfigurationLoader`), or every problem.
    /// The HTTP client is `http` when given, else made here, once the load succeeded.
    static func first(_ options: DaemonOptions, http: ProviderHTTPClient?) throws -> (SetupLoader, CycleSetup) {
        let (configuration, policies) = try ConfigurationLoader(environment: options.environment).load(path: options.configPath)
        let client = http ?? ProviderHTTPClient(policy: configuration.httpPolicy)
        return (
            SetupLoader(options: options, http: client),
            CycleSetup(configuration: configuration, policies: policies, http: client, environment: options.environment)
        )
    }

    /// A reload: the same checks, and the state directory may not move while the daemon runs.
    func reload(keeping current: Configuration) throws -> CycleSetup {
        let (configuration, policies) = try ConfigurationLoader(environment: options.environment).load(path: options.configPath)
        guard configuration.databasePath == current.databasePath else {
            throw ConfigError(problems: [
                ConfigProblem(
                    file: configuration.sourcePath, subject: "[daemon]", key: "state_directory",
                    message: "cannot change while the daemon runs; restart it instead")
            ])
        }
        return CycleSetup(configuration: configuration, policies: policies, http: http, environment: options.environment)
    }
}
