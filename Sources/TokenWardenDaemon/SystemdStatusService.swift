import Foundation
import ServiceLifecycle
import TokenWardenCore
import TokenWardenJournal
import TokenWardenLifecycle
import TokenWardenStore

/// Tells systemd how the daemon is doing: `STATUS=` after each cycle (counted in SQL), and with
/// `WatchdogSec=` a `WATCHDOG=1` at half of `$WATCHDOG_USEC`, sent only after the polling service
/// answered and the store read a row: a wedged daemon stops pinging and systemd restarts it.
struct SystemdStatusService<C: Clock>: Service where C.Duration == Duration {
    let systemd: SystemdNotifier
    let store: TokenStore
    let clock: C
    let watchdogPeriod: Duration?
    let reports: AsyncStream<CycleReport>
    /// Whether the polling service still answers.
    let isResponsive: @Sendable () async -> Bool

    func run() async {
        await withTaskGroup(of: Void.self) { group in
            if let period = watchdogPeriod { group.addTask { await pingWatchdog(every: period) } }
            for await _ in reports.cancelOnGracefulShutdown() { _ = try? systemd.status(statusLine(now: Date())) }
            group.cancelAll()
        }
    }

    /// `$WATCHDOG_USEC` halved, or nil when systemd asks for no watchdog.
    static func watchdogPeriod(_ environment: [String: String]) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let microseconds = Int64(text), microseconds > 0 else { return nil }
        return .microseconds(microseconds / 2)
    }

    private func pingWatchdog(every period: Duration) async {
        while (try? await clock.sleep(for: period, tolerance: period / 10)) != nil {
            guard await isResponsive(), (try? store.tokenCounts()) != nil else { continue }
            _ = try? systemd.notify([("WATCHDOG", "1")])
        }
    }

    /// "312 tokens, 4 expiring ≤14d, 0 failing providers, next poll 14:05 UTC".
    func statusLine(now: Date) -> String {
        let counts = (try? store.tokenCounts()) ?? [:]
        let live = counts[.active, default: 0] + counts[.expired, default: 0]
        let expiring = (try? store.countTokens(matching: TokenQuery(states: [.active], expiringWithin: .days(14)), at: now)) ?? 0
        let health = (try? store.providerHealth()) ?? []
        let failing = health.filter { $0.consecutiveFailures > 0 }.count
        let next = health.compactMap(\.nextPollAt).min().map(Self.clockTime) ?? "—"
        return "\(live) tokens, \(expiring) expiring ≤14d, \(failing) failing providers, next poll \(next)"
    }

    /// "14:05 UTC".
    static func clockTime(_ date: Date) -> String {
        let text = ProviderTimestamp.format(date)
        let time = text.split(separator: "T").last.map(String.init) ?? text
        return String(time.prefix(5)) + " UTC"
    }
}
