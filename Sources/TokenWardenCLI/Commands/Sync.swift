import ArgumentParser
import Foundation
import TokenWardenCore
import TokenWardenLifecycle
import TokenWardenProviders
import TokenWardenStore

/// `tokenwarden sync`: one full cycle, as the daemon runs it: poll, resume rotations, apply policy.
struct Sync: ConfiguredCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Run one cycle now: poll every provider, then apply policy.",
        discussion: """
            Lists every configured provider's tokens (all providers at once, each one page by page) \
            and records them: new tokens are discovered, changed facts become history, and tokens a \
            complete listing no longer has become gone. A provider that fails keeps what it had; the \
            others are still recorded.

            Then it does what the daemon does after each poll: resumes unfinished rotations, evaluates \
            the policy files, notifies, and — only with [daemon] enforce = true — revokes and rotates, \
            at most max_actions_per_cycle writes. Report-only decisions are printed once, when they \
            first appear or the token's facts change (`tokenwarden plan` shows them all, every time).

            Exit 0 when everything succeeded, 1 when a provider or an action failed, 2 when the \
            configuration or a policy file is invalid (nothing is polled then).

            Example:
              tokenwarden sync --config /etc/tokenwarden/tokenwarden.toml
            """
    )

    @OptionGroup var options: ConfigOptions

    @Flag(help: "Print each provider's poll and the cycle's events as one JSON object (docs/json.md).")
    var json = false

    func run(_ context: CommandContext) async throws {
        let (configuration, policies) = try context.configurationWithPolicies()
        var setup = CycleSetup(
            configuration: configuration, policies: policies, http: context.http(for: configuration), environment: context.environment)
        let store = try configuration.openStore()
        let lock = try await context.exclusiveCycle(configuration)
        defer { withExtendedLifetime(lock) {} }
        // The daemon may have replaced its own credential while this command waited for the lock.
        if setup.credentialsChanged { setup = setup.reloadingCredentials() }
        if let problem = setup.templateProblem { StandardError.warning("\(problem); the built-in template is used") }
        let report = try await Cycle(setup: setup, store: store).run()
        // What the cycle queued for people, and alerts for what needs an admin, go out now; what
        // fails waits in the outbox for the daemon.
        let dispatcher = OutboxDispatcher(
            store: store, notifiers: configuration.notifiers, sender: setup.sender(http: context.http(for: configuration)),
            alertTo: configuration.daemon.alertTo)
        let notifications = await CycleAftermath(store: store, alertTo: configuration.daemon.alertTo).run(
            report, at: Date(), journal: { CommandJournal.record($0) },
            outbox: { await dispatcher.sendDue() },
            metrics: { report in
                // `sync` serves no `[metrics] listen` address: only the daemon does.
                guard configuration.metrics.textfile != nil else { return }
                do {
                    let text = try MetricsTextfile.render(
                        store: store, configuration: configuration, rules: policies.rules, cycles: CycleMetrics(report), now: Date())
                    try MetricsTextfile.write(text, configuration: configuration)
                } catch {
                    StandardError.warning("the metrics could not be written to \(configuration.metrics.textfile ?? ""): \(error)")
                }
            })
        if json {
            try JSONOutput.print(
                SyncJSON(polls: report.polls, unusable: report.unusable, events: report.events + notifications, failed: report.failed))
            if report.failed { throw ExitCode.failure }
            return
        }
        print(Self.render(report.polls, unusable: report.unusable))
        if !(report.events + notifications).isEmpty {
            print("")
            for event in report.events + notifications { print(EventLine.render(event)) }
        }
        if report.failed { throw ExitCode.failure }
    }

    /// Polls every provider of `configuration` once into its store, without applying policy
    /// (`plan --refresh`); returns a table and whether any failed.
    static func poll(_ configuration: Configuration, http: ProviderHTTPClient) async throws -> (report: String, failed: Bool) {
        let store = try configuration.openStore()
        let drivers = DriverFactory.drivers(for: configuration, http: http)
        let report = CycleReport(polls: await ProviderPoller(store: store).pollAll(drivers.ready), unusable: drivers.failed)
        CommandJournal.record(report)
        return (render(report.polls, unusable: report.unusable), report.failed)
    }

    /// One row per provider: counts when the poll succeeded, the reason when it failed.
    static func render(_ results: [PollResult], unusable: [UnusableProvider]) -> String {
        var table = TextTable("PROVIDER", "RESULT", "DETAIL")
        for result in results {
            var counts =
                "\(result.summary.seen) tokens: \(result.summary.discovered) new, \(result.summary.changed) changed, "
                + "\(result.summary.reappeared) back, \(result.gone) gone"
            if result.goneHeld > 0 {
                counts +=
                    "; \(result.goneHeld) missing NOT marked gone: the listing shrank by more than half since the last poll, so the next "
                    + "poll must confirm it"
            }
            table.append([
                result.provider, result.succeeded ? "ok" : "FAILED",
                result.succeeded ? "\(counts) (\(String(format: "%.1f", result.seconds))s)" : "\(result.error ?? "") — \(counts) recorded",
            ])
        }
        for provider in unusable { table.append([provider.provider, "FAILED", provider.reason]) }
        return table.render()
    }
}
