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
            same process, and owners' mail (through a sendmail stand-in) to a simulated mailbox there; \
            both print what they receive. Runs until Ctrl-C; --cycles N exits 0 after every provider has \
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
            // Digests and alerts go to the simulator's webhook receiver, and owners' mail through a
            // sendmail stand-in to its simulated mailbox; both print what they get.
            let sendmail = root + "/sendmail"
            let binary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
            try Data(SimulatedSendmail.script(tokenwarden: binary, mailbox: simulator.webhookURL("mailbox")).utf8)
                .write(to: URL(fileURLWithPath: sendmail))
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: sendmail)
            let written = try String(contentsOfFile: config, encoding: .utf8)
            try Data(
                (written.replacingOccurrences(of: "[daemon]\n", with: "[daemon]\nalert_to = [\"ops\"]\n") + Self.notifiers(simulator, sendmail)).utf8
            )
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

    /// The demo's notifiers: a webhook for ops (and admin alerts), mail for owners through the
    /// simulated mailbox; owners the map does not name fall back to ops.
    static func notifiers(_ simulator: ProviderSimulator, _ sendmail: String) -> String {
        """

        [[notifier]]
        id = "ops"
        kind = "webhook"
        url = "\(simulator.webhookURL("ops"))"

        [[notifier]]
        id = "mail"
        kind = "mail"
        to = ["ops@example.com"]
        from = "tokenwarden@demo.example"
        sendmail = "\(sendmail)"

        [owners]
        fallback = "ops"
        mail = "mail"

        [[owner]]
        match = "frank"
        to = "frank@example.com"

        [[owner]]
        match = "dave"
        to = "dave@example.com"

        """
    }

    /// A webhook delivery as the demo prints it: the summary and the first tokens; a mail in the
    /// simulated mailbox with its recipient and subject.
    static func describe(_ delivery: SimulatedWebhook.Delivery) -> String {
        if delivery.name == "mailbox" {
            let text = String(decoding: delivery.body, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
            let parts = text.components(separatedBy: "\n\n")
            let headers = parts[0].split(separator: "\n").map(String.init)
            let to = headers.first { $0.hasPrefix("To: ") }?.dropFirst(4) ?? "?"
            let subject = headers.first { $0.hasPrefix("Subject: ") }?.dropFirst(9) ?? "?"
            let body = parts.dropFirst().joined(separator: "\n\n").split(separator: "\n").prefix(6).map { "    " + String($0).terminalSafe }
            return "mailbox received mail to \(to): \(subject)".terminalSafe + "\n" + body.dropFirst(2).joined(separator: "\n") + "\n"
        }
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
        when.expires_within = ["30d", "7d", "1d"]
        action = "notify"
        notify.to = ["owner", "ops"]

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
