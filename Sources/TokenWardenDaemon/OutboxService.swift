import Foundation
import Logging
import ServiceLifecycle
import TokenWardenCore
import TokenWardenJournal
import TokenWardenLifecycle
import TokenWardenProviders
import TokenWardenStore

/// Sends the notification outbox: at start (what a stop left queued), after every cycle, and when
/// a retry falls due. With nothing pending it holds no timer.
struct OutboxService<C: Clock>: Service where C.Duration == Duration {
    let store: TokenStore
    let http: ProviderHTTPClient
    let logger: Logger
    let clock: C
    let now: @Sendable () -> Date
    /// The setup in effect: its notifiers, `alert_to` and templates (a reload may change them).
    let current: CurrentSetup
    let wakeups: AsyncStream<Void>
    let wake: AsyncStream<Void>.Continuation
    let observer: DaemonObserver?

    func run() async {
        wake.yield()
        await withDiscardingTaskGroup { timers in
            var armedFor: Date?
            for await _ in wakeups.cancelOnGracefulShutdown() {
                // The armed timer has fired (or is about to: a timer and the wall clock may disagree
                // by a moment), so the next due message gets a timer of its own.
                if let armed = armedFor, armed <= now().addingTimeInterval(1) { armedFor = nil }
                let setup = current.setup
                let dispatcher = OutboxDispatcher(
                    store: store, notifiers: setup.configuration.notifiers, sender: setup.sender(http: http),
                    alertTo: setup.configuration.daemon.alertTo, now: now)
                let events = await dispatcher.sendDue()
                for event in events { event.log(to: logger) }
                if !events.isEmpty { observer?.outboxPassed(events) }
                guard let due = try? store.nextMessageDue(), armedFor.map({ due < $0 }) ?? true else { continue }
                armedFor = due
                let delay = Duration.milliseconds(Int64(max(1, due.timeIntervalSince(now())) * 1_000))
                timers.addTask { [clock, wake] in
                    if (try? await clock.sleep(for: delay, tolerance: .seconds(1))) != nil { wake.yield() }
                }
            }
            timers.cancelAll()
        }
    }
}
