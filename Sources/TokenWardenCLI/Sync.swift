import ArgumentParser
import Foundation
import TokenWardenCore
import TokenWardenDaemon
import TokenWardenProviders

/// `tokenwarden sync`: one poll of every provider, recorded into the inventory.
struct Sync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Poll every provider once and record what it sees.",
        discussion: """
            Lists every configured provider's tokens (all providers at once, each one page by page) \
            and records them: new tokens are discovered, changed facts become history, and tokens a \
            complete listing no longer has become gone. A provider that fails keeps what it had; the \
            others are still recorded. Exit 0 when every provider succeeded, 1 when any failed.

            Example:
              tokenwarden sync --config /etc/tokenwarden/tokenwarden.toml
            """
    )

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let configuration: Configuration
        do { configuration = try ConfigLoaderFacade.load(options.config) } catch { throw Terminal.fail(error) }
        let (report, failed) = try await Self.poll(configuration)
        print(report)
        if failed { throw ExitCode.failure }
    }

    /// Polls every provider of `configuration` once into its store; returns a table and whether any failed.
    static func poll(_ configuration: Configuration) async throws -> (report: String, failed: Bool) {
        let http = ProviderHTTPClient()
        let results: [PollResult]
        let unusable: [(provider: String, reason: String)]
        do {
            let store = try Runtime.store(for: configuration)
            let drivers = Runtime.drivers(for: configuration, http: http)
            unusable = drivers.failed
            results = await ProviderPoller(store: store).pollAll(drivers.ready)
        } catch {
            try? await http.shutdown()
            throw Terminal.fail(error)
        }
        try? await http.shutdown()
        var table = TextTable("PROVIDER", "RESULT", "DETAIL")
        for result in results {
            var counts = "\(result.summary.seen) tokens: \(result.summary.discovered) new, \(result.summary.changed) changed, \(result.summary.reappeared) back, \(result.gone) gone"
            if result.goneHeld > 0 {
                counts += "; \(result.goneHeld) missing NOT marked gone: the listing shrank by more than half since the last poll, so the next poll must confirm it"
            }
            table.append([result.provider, result.succeeded ? "ok" : "FAILED",
                          result.succeeded ? "\(counts) (\(String(format: "%.1f", result.seconds))s)" : "\(result.error ?? "") — \(counts) recorded"])
        }
        for (provider, reason) in unusable { table.append([provider, "FAILED", reason]) }
        return (table.render(), !unusable.isEmpty || results.contains { !$0.succeeded })
    }
}
