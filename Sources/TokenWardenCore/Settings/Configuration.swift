/// The whole validated main config file: daemon settings, the providers to watch and the notifiers.
/// Produced only by `ConfigLoader`, so every value in it has passed validation.
public struct Configuration: Sendable {
    /// The file it was read from, for messages.
    public var sourcePath: String
    public var daemon: DaemonSettings
    public var providers: [ProviderConfig]
    public var notifiers: [Notifier]
    /// `[owners]` and `[[owner]]`: where `notify.to = ["owner"]` sends.
    public var owners: OwnerMap
    /// `[metrics]`.
    public var metrics = MetricsSettings()

    public init(
        sourcePath: String, daemon: DaemonSettings, providers: [ProviderConfig], notifiers: [Notifier] = [], owners: OwnerMap = OwnerMap()
    ) {
        self.sourcePath = sourcePath
        self.daemon = daemon
        self.providers = providers
        self.notifiers = notifiers
        self.owners = owners
    }

    /// The directory notification templates are read from: `templates/` beside the main config.
    public var templateDirectory: String {
        let directory = sourcePath.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        return (directory.isEmpty ? "." : directory) + "/templates"
    }

    public func provider(id: String) -> ProviderConfig? { providers.first { $0.id == id } }

    /// `<state_directory>/tokenwarden.sqlite`.
    public var databasePath: String { daemon.stateDirectory + "/tokenwarden.sqlite" }
}
