import TokenWardenConfig
import TokenWardenCore
import TokenWardenLifecycle

/// How commands load their configuration, then prepare to act on it (`CommandPrivileges`: the
/// credentials read, and root become the state directory's owner).
enum ConfigLoaderFacade {
    /// The strict load of commands that poll or act: any problem stops them (exit 2).
    static func load(_ path: String) throws -> Configuration {
        let configuration = try ConfigLoader().load(path: path)
        try CommandPrivileges.prepare(configuration)
        return configuration
    }

    /// The lenient load of commands that only read the inventory (`Configuration.forReading`).
    static func forReading(_ path: String) throws -> (configuration: Configuration, problems: [ConfigProblem]) {
        let loaded = try Configuration.forReading(path: path)
        try CommandPrivileges.prepare(loaded.configuration)
        return loaded
    }

    /// The configuration and its validated policies (read before root becomes the state directory's
    /// owner), or the printed problems and exit code 2.
    static func loadWithPolicies(_ path: String) throws -> (Configuration, PolicySet) {
        do {
            let configuration = try ConfigLoader().load(path: path)
            let policies = try configuration.loadPolicies()
            try CommandPrivileges.prepare(configuration)
            return (configuration, policies)
        } catch {
            throw Terminal.fail(error)
        }
    }
}
