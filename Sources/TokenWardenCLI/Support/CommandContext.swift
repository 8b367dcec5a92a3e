import ArgumentParser
import Foundation
import TokenWardenConfig
import TokenWardenCore
import TokenWardenLifecycle
import TokenWardenProviders
import TokenWardenStore

/// What every configured subcommand shares, made once per run (the shape of SwiftPM's
/// `SwiftCommandState`): the environment, the configuration loaded the way the command needs it,
/// one HTTP client shut down however the command ends, and errors turned into messages and exit
/// codes the same way everywhere: 0 ok, 1 failure or refusal, 2 usage error or invalid configuration.
final class CommandContext {
    let configPath: String
    let environment: [String: String]
    private var client: ProviderHTTPClient?

    init(configPath: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.configPath = configPath
        self.environment = environment
    }

    /// The strict load of commands that poll or act: any problem stops them (exit 2). Credentials are
    /// read, then root becomes the state directory's owner (`CommandPrivileges`).
    func configuration() throws -> Configuration {
        let configuration = try ConfigLoader(environment: environment).load(path: configPath)
        try CommandPrivileges.prepare(configuration, environment: environment)
        return configuration
    }

    /// The strict load of commands that apply policy: the configuration and its policies from the one
    /// loader `validate` and the daemon use (read before root becomes the state directory's owner).
    func configurationWithPolicies() throws -> (Configuration, PolicySet) {
        let (configuration, policies) = try ConfigurationLoader(environment: environment).load(path: configPath)
        try CommandPrivileges.prepare(configuration, environment: environment)
        return (configuration, policies)
    }

    /// The lenient load of commands that only read the inventory: any parsable config will do, so an
    /// on-call can look at tokens while a config mistake is being fixed; the problems come back to
    /// warn about. Credentials are read only when `credentials` (policy needs SailPoint's own token id).
    func configurationForReading(credentials: Bool = false) throws -> (configuration: Configuration, problems: [ConfigProblem]) {
        let loaded = try Configuration.forReading(path: configPath, environment: environment)
        if credentials {
            try CommandPrivileges.prepare(loaded.configuration, environment: environment)
        } else {
            try StateDirectoryOwner.become(loaded.configuration.daemon.stateDirectory)
        }
        return loaded
    }

    /// The state directory's cycle lock, held alone while a command polls or writes to providers:
    /// waits (saying so on stderr) for the daemon's running cycle, or another command, to finish.
    func exclusiveCycle(_ configuration: Configuration, patience: Duration = .seconds(600)) async throws -> StateLock {
        let state = configuration.daemon.stateDirectory
        guard
            let lock = try await StateLock.cycle(
                stateDirectory: state, patience: patience,
                waiting: { pid in
                    StandardError.note("waiting for PID \(pid.map(String.init) ?? "?") (the daemon's cycle, or another command) to finish…")
                })
        else {
            throw Refusal(
                "PID \(StateLock.holder(stateDirectory: state, daemon: false).map(String.init) ?? "?") has held \(state)/cycle.lock for "
                    + "\(patience.components.seconds / 60) minutes; try again once its cycle is done")
        }
        return lock
    }

    /// The command's HTTP client, made with the configuration's timeouts at first use. On a
    /// terminal it says what a request waits for before each retry; piped, it says nothing extra.
    func http(for configuration: Configuration) -> ProviderHTTPClient {
        if let client { return client }
        let made = ProviderHTTPClient(policy: configuration.httpPolicy, progress: Self.progress(onTerminal: isatty(STDERR_FILENO) == 1))
        client = made
        return made
    }

    /// The progress reporter for a command's requests: stderr lines on a terminal, none otherwise.
    static func progress(onTerminal: Bool) -> (@Sendable (String) -> Void)? {
        guard onTerminal else { return nil }
        return { @Sendable line in StandardError.note(line) }
    }

    /// Shuts the HTTP client down (AsyncHTTPClient traps on a client released without `shutdown()`).
    func finish() async {
        try? await client?.shutdown()
        client = nil
    }

    /// Prints an error the admin can act on and returns the exit code it means.
    static func exitCode(for error: any Error) -> ExitCode {
        switch error {
        case let exit as ExitCode:
            return exit
        case let error as ConfigError:
            StandardError.lines(error.description)
            return ExitCode(2)
        case let lock as StateLockError:
            StandardError.error(lock.description)
            // A second daemon is a usage error; a lock file that cannot be used is a failure.
            return lock.held ? ExitCode(2) : .failure
        case let refusal as Refusal:
            StandardError.error(refusal.description)
            return .failure
        case let usage as ValidationError:
            StandardError.error(usage.message)
            return ExitCode(2)
        default:
            StandardError.error("\(error)")
            return .failure
        }
    }
}

/// A subcommand that reads `--config`: `run(_:)` gets the shared `CommandContext`; the context is
/// finished and errors are mapped to exit codes here, once for every command.
protocol ConfiguredCommand: AsyncParsableCommand {
    var options: ConfigOptions { get }
    func run(_ context: CommandContext) async throws
}

extension ConfiguredCommand {
    func run() async throws {
        let context = CommandContext(configPath: options.config)
        do {
            try await run(context)
        } catch {
            await context.finish()
            throw CommandContext.exitCode(for: error)
        }
        await context.finish()
    }
}
