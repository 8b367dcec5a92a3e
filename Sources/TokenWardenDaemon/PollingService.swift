import Foundation
import Logging
import ServiceLifecycle
import TokenWardenCore
import TokenWardenJournal
import TokenWardenLifecycle
import TokenWardenStore

/// Runs one cycle per tick of a provider's timer, journals each cycle's report, passes it on, and
/// re-arms the provider (backing off while it fails). A reload swaps the setup between cycles. On a
/// stop no new cycle starts and running ones finish, so a rotation reaches a committed state.
actor PollingService<C: Clock>: Service where C.Duration == Duration {
    let options: DaemonOptions
    let logger: Logger
    let systemd: SystemdNotifier
    let store: TokenStore
    let schedule: PollSchedule<C>
    let writes: WriteWindow
    let loader: SetupLoader
    let reports: AsyncStream<CycleReport>.Continuation
    /// Told after each cycle: it may have queued notifications.
    let outbox: AsyncStream<Void>.Continuation
    /// Each cycle's held decisions and selected tokens, for the metrics; `metrics` is told after.
    let board: MetricsBoard
    let metrics: AsyncStream<Void>.Continuation
    /// A number in the range, for the first-poll spread and the ±10% jitter of each interval.
    let random: @Sendable (ClosedRange<Double>) -> Double
    /// The wall clock cycles, rotations and the store's timestamps use (tests tie it to their clock).
    let now: @Sendable () -> Date
    let observer: DaemonObserver?
    /// The setup in effect, replaced by a reload and shared with the other services.
    let current: CurrentSetup
    var setup: CycleSetup { current.setup }
    private var running: Set<String> = []
    private var rounds: [String: Int] = [:]
    private var storeChecked = false
    private var stopping = false
    /// Why the daemon stopped on its own (a damaged database): `run()` throws it.
    private var fatal: (any Error)?

    init(
        options: DaemonOptions, logger: Logger, systemd: SystemdNotifier, store: TokenStore, current: CurrentSetup, loader: SetupLoader,
        clock: C, now: @escaping @Sendable () -> Date, reports: AsyncStream<CycleReport>.Continuation, outbox: AsyncStream<Void>.Continuation,
        board: MetricsBoard, metrics: AsyncStream<Void>.Continuation, random: @escaping @Sendable (ClosedRange<Double>) -> Double,
        observer: DaemonObserver?
    ) {
        self.options = options
        self.logger = logger
        self.systemd = systemd
        self.store = store
        self.current = current
        self.loader = loader
        self.schedule = PollSchedule(clock: clock)
        self.writes = WriteWindow(clock: clock)
        self.reports = reports
        self.outbox = outbox
        self.board = board
        self.metrics = metrics
        self.random = random
        self.now = now
        self.observer = observer
    }

    /// Says `READY=1`, checks the store, arms every provider once it passed, and runs cycles until
    /// stopped. Throws when the database failed its check.
    func run() async throws {
        let spread = TimeSpan(seconds: Int64(PollTiming(configuration: setup.configuration).spread))
        _ = try? systemd.notify([("READY", "1"), ("STATUS", "started; first polls within \(spread) of the database check")])
        JournalEvent.started(setup).log(to: logger)
        if let problem = setup.templateProblem { JournalEvent.templateRejected(problem).log(to: logger) }
        for unusable in setup.unusable { JournalEvent.providerUnusable(unusable.provider, reason: unusable.reason).log(to: logger) }
        await withTaskGroup(of: Void.self) { background in
            background.addTask { await self.schedule.run() }
            background.addTask { await self.checkStoreThenArm() }
            await withDiscardingTaskGroup { cycles in
                for await provider in schedule.ticks.cancelOnGracefulShutdown() {
                    guard let setup = begin(provider) else { continue }
                    cycles.addTask { await self.cycle(provider, setup) }
                }
                stop(reason: "asked to stop")
            }
            background.cancelAll()
        }
        if let fatal { throw fatal }
    }

    /// Stops starting cycles: `STOPPING=1`, one journal entry, and the tick loop ends once the
    /// running cycles are done.
    func stop(reason: String) {
        guard !stopping else { return }
        stopping = true
        _ = try? systemd.notify([("STOPPING", "1"), ("STATUS", "stopping: \(reason)")])
        JournalEvent.stopping(reason, running: running.count).log(to: logger)
        schedule.finish()
    }

    /// SIGHUP: reads the configuration and policies again; a bad file keeps the last good ones running.
    func reload() {
        guard !stopping else { return }
        _ = try? systemd.notify([("RELOADING", "1"), ("MONOTONIC_USEC", String(SystemdNotifier.monotonicMicroseconds()))])
        do {
            current.replace(with: try loader.reload(keeping: setup.configuration))
            if storeChecked {
                schedule.disarmAll()
                armAll()
            }
            try? store.recordConfigLoaded(at: now())
            JournalEvent.reloaded(setup).log(to: logger)
            if let problem = setup.templateProblem { JournalEvent.templateRejected(problem).log(to: logger) }
        } catch {
            // Kept for `tokenwarden status`, which shows the on-call what the daemon still runs.
            try? store.recordConfigRefused("\(error)", at: now())
            JournalEvent.reloadRefused(error).log(to: logger)
        }
        _ = try? systemd.notify([("READY", "1")])
    }

    /// Whether the service answers and is not stopping: what the watchdog asks before each ping.
    func isResponsive() -> Bool { !stopping }

    // MARK: - Cycles

    /// The setup to run `provider`'s cycle with, or nil when it must not run now.
    private func begin(_ provider: String) -> CycleSetup? {
        guard !stopping, !running.contains(provider), setup.drivers.contains(where: { $0.config.id == provider }) else { return nil }
        running.insert(provider)
        return setup
    }

    private func cycle(_ provider: String, _ setup: CycleSetup) async {
        observer?.cycleStarted(provider)
        let report: CycleReport
        do {
            // Shared among this daemon's cycles; an admin's `sync` or `rotate` holds it alone until done.
            let state = setup.configuration.daemon.stateDirectory
            let interval = setup.configuration.provider(id: provider)?.pollInterval ?? setup.configuration.daemon.pollInterval
            if let lock = try await StateLock.cycle(stateDirectory: state, shared: true, patience: .seconds(interval.timeInterval)) {
                defer { withExtendedLifetime(lock) {} }
                // Under the lock, so an admin's `sync` that replaced tokenwarden's own credential is seen.
                let setup = setup.credentialsChanged ? rereadCredentials() : setup
                report = try await Cycle(setup: setup, store: store, now: now).run(providers: [provider], sharing: writes)
            } else {
                // Not a failure: nothing was asked of the provider, and the next interval tries again.
                let holder = StateLock.holder(stateDirectory: state, daemon: false).map(String.init) ?? "?"
                report = CycleReport(
                    polls: [],
                    events: [
                        JournalEvent(
                            .cycleSkipped, .notice,
                            "\(provider): this cycle was skipped: an admin's command (PID \(holder)) held \(state)/cycle.lock for a whole "
                                + "poll interval", provider: provider)
                    ])
            }
        } catch {
            report = CycleReport(polls: [], events: [.cycleFailed(provider, error: error)])
        }
        let metricsEnabled = setup.configuration.metrics.isEnabled
        await CycleAftermath(store: store, alertTo: setup.configuration.daemon.alertTo).run(
            report, at: now(),
            journal: { [logger] events in for event in events { event.log(to: logger) } },
            outbox: { [outbox] in
                outbox.yield()
                return []
            },
            metrics: { [board, metrics] report in
                if metricsEnabled { board.record(report) }
                metrics.yield()
            })
        // tokenwarden replaced its own credential: the next cycles sign in with the successor.
        if current.setup.credentialsChanged { _ = rereadCredentials() }
        finish(provider)
        reports.yield(report)
        observer?.cycleFinished(report)
    }

    /// The setup with its credentials read again (`CurrentSetup.withCurrentCredentials`); a provider
    /// whose credential no longer loads is journaled, as at a start or reload.
    private func rereadCredentials() -> CycleSetup {
        let before = Set(current.setup.unusable.map(\.provider))
        let setup = current.withCurrentCredentials()
        for unusable in setup.unusable where !before.contains(unusable.provider) {
            JournalEvent.providerUnusable(unusable.provider, reason: unusable.reason).log(to: logger)
        }
        return setup
    }

    /// Re-arms a provider after its cycle, or stops once every provider had the requested rounds.
    private func finish(_ provider: String) {
        running.remove(provider)
        rounds[provider, default: 0] += 1
        if let wanted = options.rounds, setup.drivers.allSatisfy({ rounds[$0.config.id, default: 0] >= wanted }) {
            stop(reason: "\(wanted) rounds done")
        }
        if !stopping { rearm(provider) }
        if running.isEmpty { IdleMemory.release(store) }
    }

    /// Runs the database check after `READY=1` (it reads the whole file: seconds on a large store),
    /// then arms the first polls; damage stops the daemon instead.
    private func checkStoreThenArm() async {
        do {
            try await store.check()
            storeChecked = true
            if !stopping { armAll() }
        } catch {
            guard !Task.isCancelled else { return }
            JournalEvent.storeDamaged(error).log(to: logger)
            fatal = error
            stop(reason: "the database failed its check")
        }
    }

    // MARK: - Scheduling

    /// Arms every provider; the first polls are spread over a window so a start or reload never
    /// sends every request at once.
    private func armAll() {
        let window = PollTiming(configuration: setup.configuration).spread
        for ready in setup.drivers { arm(ready.config.id, after: random(0...window)) }
    }

    /// Arms `provider` after its cycle (see `PollTiming.afterCycle`).
    private func rearm(_ provider: String) {
        let failures = (try? store.consecutiveFailures(provider: provider)) ?? 0
        // The old token of a delivered rotation lives no longer than its overlap, not until the next poll.
        let overlapEnds = ((try? store.unfinishedRotations()) ?? [])
            .filter { $0.provider == provider && $0.state == .delivered }.compactMap(\.revokeOldAfter).min()
        let delay = PollTiming(configuration: setup.configuration)
            .afterCycle(provider, failures: failures, overlapEnds: overlapEnds, now: now(), jitter: random(0.9...1.1))
        arm(provider, after: delay)
    }

    private func arm(_ provider: String, after seconds: TimeInterval) {
        schedule.arm(provider, after: .milliseconds(Int64(min(seconds, 1e9) * 1_000)))
        // For `tokenwarden status` and STATUS=; a failed write only leaves that line out of date.
        try? store.recordNextPoll(provider: provider, at: now().addingTimeInterval(seconds))
    }
}
