import Foundation
import TokenWardenCore

/// Writes what a tokenwarden needs to talk to a running simulator: one 0600 credential file per
/// provider and a `tokenwarden.toml` pointing at the simulator's loopback URLs.
public enum SimulatorSetup {
    /// Writes into `directory` (created 0700, or checked: see `PrivateDirectory`) and returns the config file's path.
    public static func write(
        for simulator: ProviderSimulator, into directory: String, pollInterval: String = "15m",
        enforce: Bool = false, selfTokenID: String? = nil, maxActionsPerCycle: Int = 10, kinds: [ProviderKind] = ProviderKind.allCases
    ) throws -> String {
        let target = try PrivateDirectory(directory)
        var providers: [String] = []
        for kind in kinds {
            // Created with 0600 from the start: the content never exists in a readable file.
            let credential = try target.create("\(kind.rawValue).credential", simulator.provider(kind).credential + "\n")
            providers.append(
                """
                [[provider]]
                id = "sim-\(kind.rawValue)"
                kind = "\(kind.rawValue)"
                base_url = "\(simulator.baseURL(for: kind))"
                credential = "\(credential)"
                """ + (selfTokenID.map { kind == .sailPoint ? "" : "\nself_token_id = \"\($0)\"" } ?? "")
                    // Cryptlex has no endpoint that says whom a PAT signs in as: the admin says it.
                    + (kind == .cryptlex ? "\nidentity = \"\(SimulatedAccount.mainOwner(of: kind))\"" : ""))
        }
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
        return try target.create("tokenwarden.toml", text, mode: 0o600)
    }

    /// Gives the config at `config` (written by `write`) a `[[provider.owner]]` credential of `owner`
    /// for the provider of `kind`: a 0600 file holding a new credential of that owner at the simulator.
    /// Returns the credential file's path.
    @discardableResult
    public static func addOwner(_ owner: String, kind: ProviderKind, of simulator: ProviderSimulator, config: String) async throws -> String {
        let directory = try PrivateDirectory((config as NSString).deletingLastPathComponent)
        let content = await simulator.provider(kind).addAccount(forOwner: owner)
        let credential = try directory.create("\(kind.rawValue)-\(owner).credential", content + "\n")
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
