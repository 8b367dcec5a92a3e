import ArgumentParser
import Foundation
import TokenWardenCore
import TokenWardenDaemon
import TokenWardenLifecycle
import TokenWardenSimulator

/// `tokenwarden demo`: the real daemon against built-in simulated providers, no credentials needed.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the daemon against built-in simulated providers (no credentials needed).",
        discussion: """
            Starts simulated Planning Center, SailPoint, Cryptlex, 12d Synergy and AWX APIs on \
            127.0.0.1, writes a config and a policy into a temporary directory (notify before \
            expiry, revoke unused CI tokens, rotate one AWX token into a file, with a credential of \
            that token's owner, since a provider creates tokens only for whoever signs in), turns enforcement \
            on (against the simulator only) and runs the real daemon loop with a short interval, \
            printing its events on standard output, with or without a terminal (--log-format \
            journal sends them to the journal instead). Notifications (a digest of the tokens the \
            notify rule selects, alerts for what needs an admin) go to a simulated webhook in the \
            same process, which prints what it receives. Runs until Ctrl-C; --cycles N exits 0 after every provider has \
            been polled N times. The directory is printed, so you can look with \
            `tokenwarden tokens --config DIR/tokenwarden.toml` and `tokenwarden history`.
            """
    )

    @Option(help: ArgumentHelp("Exit 0 after every provider has been polled this many times.", valueName: "n"))
    var cycles: Int?

    @Option(help: ArgumentHelp("Simulated tokens per provider.", valueName: "n"))
    var tokens: Int = 40

    @Option(help: ArgumentHelp("Seconds between polls of each provider.", valueName: "seconds"))
    var interval: Int = 5

    @Option(
        help: ArgumentHelp("Where to write the demo's config, policy, credentials and state (default: a new temporary directory).", valueName: "path")
    )
    var directory: String?

    @OptionGroup var log: LogOptions

    func validate() throws {
        if let cycles, cycles < 1 { throw ValidationError("--cycles must be at least 1") }
        if tokens < 0 || tokens > 100_000 { throw ValidationError("--tokens must be between 0 and 100000") }
        if interval < 1 { throw ValidationError("--interval must be at least 1 second") }
    }

    func run() async throws {
        let simulator = try await ProviderSimulator.start(.init(tokensPerProvider: tokens, seed: 7))
        let root: String
        let config: String
        do {
            root = try directory ?? PrivateDirectory.fresh(prefix: "tokenwarden-demo").path
            // The simulator's own credentials are never listed as tokens, so a placeholder id keeps
            // enforcement allowed without protecting any real token.
            config = try SimulatorSetup.write(
                for: simulator, into: root, pollInterval: "\(interval)s", enforce: true,
                selfTokenID: "0", maxActionsPerCycle: 25)
            // A successor belongs to whoever signs in: the rotated token's owner gets a credential.
            let owner = await simulator.provider(.awx).tokens.first { $0.name == "deploy-bot-1" }?.owner ?? "admin"
            try await SimulatorSetup.addOwner(owner, kind: .awx, of: simulator, config: config)
            try PrivateDirectory(root + "/policies.d").create("10-demo.toml", Self.policy(root: root, owner: owner))
            // Digests and alerts go to the simulator's webhook receiver, which prints what it gets.
            let written = try String(contentsOfFile: config, encoding: .utf8)
            let notifier = "\n[[notifier]]\nid = \"ops\"\nkind = \"webhook\"\nurl = \"\(simulator.webhookURL("ops"))\"\n"
            try Data((written.replacingOccurrences(of: "[daemon]\n", with: "[daemon]\nalert_to = [\"ops\"]\n") + notifier).utf8)
                .write(to: URL(fileURLWithPath: config))
            await simulator.webhook.observe { delivery in
                FileHandle.standardOutput.write(Data(Self.describe(delivery).utf8))
            }
        } catch {
            await simulator.stop()
            throw CommandContext.exitCode(for: error)
        }
        // Written unbuffered, so it comes before the daemon's first events even through a pipe.
        FileHandle.standardOutput.write(
            Data(
                """
                tokenwarden demo: simulated providers on 127.0.0.1:\(simulator.port), \(tokens) tokens each
                  config:  \(config)
                  policy:  \(root)/policies.d/10-demo.toml (enforce = true, at most 25 writes per interval)
                  inspect: tokenwarden tokens --config \(config)
                           tokenwarden history --config \(config)
                \(cycles.map { "Stops after \($0) polls of every provider." } ?? "Ctrl-C to stop.")


                """.utf8))
        do {
            try await DaemonShell(options: DaemonOptions(configPath: config, rounds: cycles), logger: log.ownOutputLogger).run()
        } catch {
            await simulator.stop()
            throw CommandContext.exitCode(for: error)
        }
        await simulator.stop()
    }

    /// A webhook delivery as the demo prints it: the summary and the first tokens.
    static func describe(_ delivery: SimulatedWebhook.Delivery) -> String {
        guard let payload = try? JSONDecoder().decode(NotificationPayload.self, from: delivery.body) else {
            return "webhook \(delivery.name) received \(delivery.body.count) bytes\n"
        }
        let lines = payload.text.split(separator: "\n").prefix(9).map { "    " + String($0).terminalSafe }
        return "webhook \(delivery.name) received a \(payload.kind) (\(payload.id)):\n" + lines.joined(separator: "\n")
            + (payload.items.count > 2 ? "\n    … \(payload.items.count - 2) more" : "") + "\n"
    }

    /// One of each action, against names the simulator seeds (`ci-build-3`, `deploy-bot-1`, …).
    static func policy(root: String, owner: String) -> String {
        """
        # tokenwarden demo policy: one rule of each action.

        [[rule]]
        name = "warn-before-expiry"
        when.expires_within = "14d"
        action = "notify"
        notify.to = ["ops"]

        [[rule]]
        name = "revoke-unused-ci"
        match.name = "ci-*"
        when.unused_for = "180d"
        action = "revoke"

        [[rule]]
        name = "rotate-deploy-bot"
        match.provider = "sim-awx"
        match.name = "deploy-bot-1"
        match.owner = "\(owner)"
        when.age_over = "30d"
        action = "rotate"
        deliver.file = "\(root)/deploy-bot-1.token"
        overlap = "10s"

        """
    }
}
