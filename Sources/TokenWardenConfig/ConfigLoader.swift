import Foundation
import TokenWardenCore

/// Reads and validates the main config file (`tokenwarden.toml`).
/// Every problem is collected; `read` also returns what was valid so `validate` can go on to check policies.
public struct ConfigLoader: Sendable {
    public static let defaultPath = "/etc/tokenwarden/tokenwarden.toml"

    /// Consulted for `$STATE_DIRECTORY` (set by systemd's `StateDirectory=`).
    public var environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// The validated configuration, or every problem found.
    public func load(path: String) throws(ConfigError) -> Configuration {
        let (configuration, problems) = read(path: path)
        guard let configuration, problems.isEmpty else { throw ConfigError(problems: problems) }
        return configuration
    }

    /// Best effort: a configuration built from the valid parts (nil if the file is unusable) and all problems.
    public func read(path rawPath: String) -> (configuration: Configuration?, problems: [ConfigProblem]) {
        let path = URL(fileURLWithPath: rawPath).standardizedFileURL.path
        // A config anyone else could rewrite is not read at all (see `WriteAccess`).
        for checked in [(path as NSString).deletingLastPathComponent, path] {
            if let problem = WriteAccess.problem(checked) {
                return (nil, [ConfigProblem(file: checked, message: problem)])
            }
        }
        let document: TOMLDocument
        switch TOMLDocument.load(path: path) {
        case .success(let loaded): document = loaded
        case .failure(let problem): return (nil, [problem])
        }
        let sink = ProblemSink()
        document.rootReader(sink: sink).rejectUnknownKeys(allowed: ConfigReference.topLevel)
        let daemon = readDaemon(document: document, sink: sink, configDirectory: (path as NSString).deletingLastPathComponent)
        let providers = readProviders(document: document, sink: sink)
        let notifiers = readNotifiers(document: document, sink: sink)
        Self.checkAlertTo(daemon, notifiers: notifiers, document: document, sink: sink)
        let owners = readOwners(document: document, notifiers: notifiers, sink: sink)
        var configuration = Configuration(sourcePath: path, daemon: daemon, providers: providers, notifiers: notifiers, owners: owners)
        configuration.metrics = readMetrics(document: document, sink: sink)
        return (configuration, sink.problems)
    }

    /// `[metrics]`: the textfile (an absolute `*.prom` path in an existing directory), the loopback
    /// address to serve them on, and the horizon.
    private func readMetrics(document: TOMLDocument, sink: ProblemSink) -> MetricsSettings {
        var settings = MetricsSettings()
        guard let reader = document.table("metrics", sink: sink) else { return settings }
        reader.rejectUnknownKeys(allowed: ConfigReference.metrics.names)
        if let path = reader.string("textfile") {
            let directory = (path as NSString).deletingLastPathComponent
            var isDirectory: ObjCBool = false
            if !path.hasPrefix("/") || !path.hasSuffix(".prom") {
                reader.report(
                    "textfile", "\"\(path)\" must be an absolute path ending in .prom (node_exporter's textfile collector reads only those)")
            } else if !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) || !isDirectory.boolValue {
                reader.report(
                    "textfile",
                    "\(directory) does not exist: create it, or name the directory node_exporter's --collector.textfile.directory reads "
                        + "(Debian: /var/lib/prometheus/node-exporter)")
            } else {
                settings.textfile = path
            }
        }
        if let listen = reader.string("listen") {
            switch ListenAddress.parse(listen) {
            case .success(let address): settings.listen = address
            case .failure(let problem): reader.report("listen", problem.description)
            }
        }
        if let horizon = reader.timeSpan("horizon") {
            if horizon.seconds == 0 { reader.report("horizon", "must be longer than 0s") } else { settings.horizon = horizon }
        }
        return settings
    }

    private func readDaemon(document: TOMLDocument, sink: ProblemSink, configDirectory: String) -> DaemonSettings {
        let defaultState =
            environment["STATE_DIRECTORY"].flatMap { $0.split(separator: ":").first.map(String.init) }
            ?? DaemonSettings.defaultStateDirectory
        var settings = DaemonSettings(stateDirectory: defaultState, policyDirectory: configDirectory + "/policies.d")
        guard let reader = document.table("daemon", sink: sink) else { return settings }
        reader.rejectUnknownKeys(allowed: ConfigReference.daemon.names)
        settings.alertTo = reader.strings("alert_to") ?? []
        if let span = reader.timeSpan("alert_after_failing") {
            if span.seconds == 0 { reader.report("alert_after_failing", "must be longer than 0s") } else { settings.alertAfterFailing = span }
        }
        if let state = reader.string("state_directory") {
            if state.hasPrefix("/") {
                settings.stateDirectory = Self.trimmingTrailingSlash(state)
            } else {
                reader.report("state_directory", "must be an absolute path, e.g. \"/var/lib/tokenwarden\"")
            }
        }
        if let policies = reader.string("policy_directory") {
            let absolute = policies.hasPrefix("/") ? policies : configDirectory + "/" + policies
            settings.policyDirectory = Self.trimmingTrailingSlash(URL(fileURLWithPath: absolute).standardizedFileURL.path)
        }
        if let interval = reader.timeSpan("poll_interval") {
            if interval.seconds >= 1 {
                settings.pollInterval = interval
            } else {
                reader.report("poll_interval", "must be at least 1s (the default is \(DaemonSettings.defaultPollInterval))")
            }
        }
        if let enforce = reader.boolean("enforce") { settings.enforce = enforce }
        if let limit = reader.integer("max_actions_per_cycle", in: 0...100_000) { settings.maxActionsPerCycle = limit }
        if let attempts = reader.integer("give_up_after", in: 1...1_000) { settings.giveUpAfter = attempts }
        if let timeout = reader.timeSpan("request_timeout") {
            if (1...3_600).contains(timeout.seconds) {
                settings.requestTimeout = timeout
            } else {
                reader.report("request_timeout", "must be between 1s and 1h (the default is \(DaemonSettings.defaultRequestTimeout))")
            }
        }
        return settings
    }

    static func trimmingTrailingSlash(_ text: String) -> String {
        var text = text
        while text.count > 1 && text.hasSuffix("/") { text.removeLast() }
        return text
    }
}
