import Foundation
import Logging
import ServiceLifecycle
import TokenWardenJournal
import TokenWardenLifecycle
import TokenWardenStore

/// Makes the metrics (`[metrics] textfile`, `[metrics] listen`) off the polling path: once at start,
/// then after cycles. Wake-ups are coalesced: cycles that end while a pass runs cost one more pass,
/// however many they are, and no cycle waits for the metrics.
struct MetricsService: Service {
    let store: TokenStore
    let board: MetricsBoard
    let logger: Logger
    let now: @Sendable () -> Date
    /// The setup in effect (a reload may change the textfile, horizon and rules).
    let current: CurrentSetup
    let wakeups: AsyncStream<Void>
    let wake: AsyncStream<Void>.Continuation
    let observer: DaemonObserver?

    func run() async {
        wake.yield()
        // The last failure, journaled once until it changes or clears (every pass would repeat it).
        var problem: String?
        for await _ in wakeups.cancelOnGracefulShutdown() {
            let setup = current.setup
            let configuration = setup.configuration
            guard configuration.metrics.isEnabled else {
                // Turned off by a reload: the endpoint (read at start) stops serving old numbers.
                board.withdraw()
                observer?.metricsPublished(nil)
                continue
            }
            do {
                let text = try MetricsTextfile.render(
                    store: store, configuration: configuration, rules: setup.context.policies.rules, cycles: board.cycles, now: now())
                board.publish(text)
                try MetricsTextfile.write(text, configuration: configuration)
                problem = nil
                observer?.metricsPublished(text)
            } catch {
                let failure = "\(error)"
                if failure != problem { JournalEvent.metricsNotWritten(failure, path: configuration.metrics.textfile).log(to: logger) }
                problem = failure
            }
        }
    }
}
