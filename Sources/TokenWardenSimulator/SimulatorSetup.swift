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
                """ + (selfTokenID.map { kind == .sailPoint ? "" : "\nself_token_id = \"\($0)\"" } ?? "")
                // Cryptlex has no endpoint that says whom a PAT signs in as: the admin says it.
                + (kind == .cryptlex ? "\nidentity = \"\(SimulatedAccount.mainOwner(of: kind))\"" : ""))
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

    /// Gives the config at `config` (written by `write`) a `[[provider.owner]]` credential of `owner`
    /// for the provider of `kind`: a 0600 file holding a new credential of that owner at the simulator.
    /// Returns the credential file's path.
    @discardableResult
    public static func addOwner(_ owner: String, kind: ProviderKind, of simulator: ProviderSimulator, config: String) async throws -> String {
        let directory = (config as NSString).deletingLastPathComponent
        let credential = directory + "/\(kind.rawValue)-\(owner).credential"
        let content = await simulator.provider(kind).addAccount(forOwner: owner)
        guard FileManager.default.createFile(atPath: credential, contents: Data((content + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw SimulatorError(description: "cannot write \(credential)")
        }
        let text = try String(contentsOfFile: config, encoding: .utf8)
        let table = "[[provider.owner]]\nname = \"\(owner)\"\ncredential = \"\(credential)\"\n"
        // The owner table belongs right after its provider's table, before the next [[provider]].
        guard let start = text.range(of: "id = \"sim-\(kind.rawValue)\"\n") else {
            throw SimulatorError(description: "\(config) has no provider sim-\(kind.rawValue)")
        }
        let next = text.range(of: "\n[[provider]]", range: start.upperBound..<text.endIndex)?.lowerBound ?? text.endIndex
        var edited = text
        edited.insert(contentsOf: "\n" + table, at: next)
        try Data(edited.utf8).write(to: URL(fileURLWithPath: config))
        return credential
    }
}
