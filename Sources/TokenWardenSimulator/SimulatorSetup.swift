import Foundation
import TokenWardenCore

/// Writes what a tokenwarden needs to talk to a running simulator: one 0600 credential file per
/// provider and a `tokenwarden.toml` pointing at the simulator's loopback URLs.
public enum SimulatorSetup {
    /// Writes into `directory` (created 0700) and returns the config file's path.
    public static func write(for simulator: ProviderSimulator, into directory: String, pollInterval: String = "15m",
                             enforce: Bool = false, selfTokenID: String? = nil, maxActionsPerCycle: Int = 10) throws -> String {
        let files = FileManager.default
        try files.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var providers: [String] = []
        for kind in ProviderKind.allCases {
            let credential = directory + "/\(kind.rawValue).credential"
            // Created with 0600 from the start: the content never exists in a readable file.
            guard files.createFile(atPath: credential, contents: Data((simulator.provider(kind).credential + "\n").utf8),
                                   attributes: [.posixPermissions: 0o600]) else {
                throw SimulatorError(description: "cannot write \(credential)")
            }
            providers.append("""
                [[provider]]
                id = "sim-\(kind.rawValue)"
                kind = "\(kind.rawValue)"
                base_url = "\(simulator.baseURL(for: kind))"
                credential = "\(credential)"
                """ + (selfTokenID.map { kind == .sailPoint ? "" : "\nself_token_id = \"\($0)\"" } ?? ""))
        }
        let config = directory + "/tokenwarden.toml"
        let text = """
            # Points tokenwarden at the simulated providers on 127.0.0.1:\(simulator.port).
            [daemon]
            state_directory = "\(directory)/state"
            policy_directory = "\(directory)/policies.d"
            poll_interval = "\(pollInterval)"
            enforce = \(enforce)
            max_actions_per_cycle = \(maxActionsPerCycle)

            \(providers.joined(separator: "\n\n"))

            """
        try Data(text.utf8).write(to: URL(fileURLWithPath: config))
        return config
    }
}
