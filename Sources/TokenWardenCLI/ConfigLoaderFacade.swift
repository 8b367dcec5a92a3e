import TokenWardenConfig
import TokenWardenCore

/// The strict configuration load of commands that poll or act: any problem stops them (exit 2).
enum ConfigLoaderFacade {
    static func load(_ path: String) throws(ConfigError) -> Configuration {
        try ConfigLoader().load(path: path)
    }
}
