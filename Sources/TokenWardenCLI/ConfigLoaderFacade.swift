import TokenWardenConfig
import TokenWardenCore
import TokenWardenDaemon

/// The strict configuration load of commands that poll or act: any problem stops them (exit 2).
enum ConfigLoaderFacade {
    static func load(_ path: String) throws(ConfigError) -> Configuration {
        try ConfigLoader().load(path: path)
    }

    /// The configuration and its validated policies, or the printed problems and exit code 2.
    static func loadWithPolicies(_ path: String) throws -> (Configuration, PolicySet) {
        do {
            let configuration = try load(path)
            return (configuration, try Runtime.policies(for: configuration))
        } catch {
            throw Terminal.fail(error)
        }
    }
}
