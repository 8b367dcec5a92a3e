import Foundation

/// What the caller of the daemon decides: which config, and (for `demo`) how many rounds before exiting.
public struct DaemonOptions: Sendable {
    public var configPath: String
    /// Exit after every provider has been polled this many times; nil runs until stopped.
    public var rounds: Int?
    public var environment: [String: String]

    public init(configPath: String, rounds: Int? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.configPath = configPath
        self.rounds = rounds
        self.environment = environment
    }
}
