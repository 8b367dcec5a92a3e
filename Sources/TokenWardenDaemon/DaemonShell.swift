import Foundation
import Logging
import ServiceLifecycle
import TokenWardenJournal
import TokenWardenLifecycle
import TokenWardenProviders
import TokenWardenStore
import UnixSignals

/// The daemon process: a `ServiceGroup` of the polling service and its siblings (the systemd
/// status, the outbox, the metrics and, with `[metrics] listen`, their endpoint), with one signal
/// path. SIGTERM and SIGINT stop it gracefully (running cycles finish), SIGHUP reloads. The
/// signals are trapped here rather than by the group so the stop can say which
/// signal asked for it (`STATUS=stopping: SIGTERM`, and the journal).
public struct DaemonShell<C: Clock>: Sendable where C.Duration == Duration {
    let polling: PollingService<C>
    let group: ServiceGroup
    let http: ProviderHTTPClient
    let ownsHTTP: Bool
    /// `daemon.lock` in the state directory, held for the daemon's life: one daemon per state.
    let instance: StateLock

    /// Loads the configuration and policies and opens the store, or throws every problem: the daemon
    /// never starts on a bad configuration. `observer` watches cycles (tests).
    public init(
        options: DaemonOptions, logger: Logger, systemd: SystemdNotifier = SystemdNotifier(), clock: C,
        now: @escaping @Sendable () -> Date = { Date() }, http: ProviderHTTPClient? = nil,
        random: @escaping @Sendable (ClosedRange<Double>) -> Double = { Double.random(in: $0) },
        observer: DaemonObserver? = nil
    ) async throws {
        let (loader, setup) = try SetupLoader.first(options, http: http)
        let store: TokenStore
        do {
            instance = try StateLock.daemon(stateDirectory: setup.configuration.daemon.stateDirectory)
            // Checked after READY=1 (`PollingService.checkStore`): on a large store the check takes seconds.
            store = try setup.configuration.openStore(checking: false)
        } catch {
            if http == nil { try? await loader.http.shutdown() }
            throw error
        }
        // For `status` only, before any SIGHUP can be handled: a store that cannot take this write
        // fails its check after READY=1 and stops the daemon anyway.
        try? store.recordConfigLoaded(at: now())
        let (reports, continuation) = AsyncStream<CycleReport>.makeStream()
        let (wakeups, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let (metricsWakeups, metricsWake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let board = MetricsBoard()
        let current = CurrentSetup(setup)
        polling = PollingService(
            options: options, logger: logger, systemd: systemd, store: store, current: current, loader: loader, clock: clock, now: now,
            reports: continuation, outbox: wake, board: board, metrics: metricsWake, random: random, observer: observer)
        let status = SystemdStatusService(
            systemd: systemd, store: store, clock: clock, watchdogPeriod: SystemdStatusService<C>.watchdogPeriod(options.environment),
            reports: reports, isResponsive: { [polling] in await polling.isResponsive() })
        let outbox = OutboxService(
            store: store, http: loader.http, logger: logger, clock: clock, now: now, current: current,
            wakeups: wakeups, wake: wake, observer: observer)
        let metrics = MetricsService(
            store: store, board: board, logger: logger, now: now, current: current, wakeups: metricsWakeups,
            wake: metricsWake, observer: observer)
        // Shut down in reverse order: the polling service drains its cycles first, while the status
        // service keeps pinging the watchdog; what the outbox has not sent stays queued.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: status, successTerminationBehavior: .gracefullyShutdownGroup)
        ]
        // `[metrics] listen` is read at start only: a reload does not open or move a port.
        if let address = setup.configuration.metrics.listen {
            services.append(
                .init(
                    service: MetricsEndpoint(address: address, board: board, logger: logger, observer: observer),
                    successTerminationBehavior: .gracefullyShutdownGroup))
        }
        services += [
            .init(service: metrics, successTerminationBehavior: .gracefullyShutdownGroup),
            .init(service: outbox, successTerminationBehavior: .gracefullyShutdownGroup),
            .init(service: polling, successTerminationBehavior: .gracefullyShutdownGroup),
        ]
        var quiet = logger
        quiet.logLevel = .error
        group = ServiceGroup(configuration: ServiceGroupConfiguration(services: services, logger: quiet))
        self.http = loader.http
        ownsHTTP = http == nil
    }

    /// Runs until stopped (by a signal, `stop`, the requested rounds, or a damaged database, which it throws).
    /// `trappingSignals` is false for tests in the same process as others.
    public func run(trappingSignals: Bool = true) async throws {
        let signals = trappingSignals ? await UnixSignalsSequence(trapping: .sigterm, .sigint, .sighup) : nil
        do {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                if let signals {
                    tasks.addTask {
                        for await signal in signals {
                            if signal == .sighup { await reload() } else { await stop(reason: "\(signal)") }
                        }
                    }
                }
                try await group.run()
                tasks.cancelAll()
            }
        } catch {
            if ownsHTTP { try? await http.shutdown() }
            throw error
        }
        if ownsHTTP { try? await http.shutdown() }
    }

    /// What SIGHUP does: a new configuration and policies, or the old ones kept when the new are bad.
    public func reload() async { await polling.reload() }

    /// What SIGTERM does: no new cycles; running ones finish, then `run()` returns.
    public func stop(reason: String) async {
        await polling.stop(reason: reason)
        await group.triggerGracefulShutdown()
    }
}

extension DaemonShell where C == DispatchTimerClock {
    /// The daemon as systemd runs it: timers on `DispatchSourceTimer`.
    public init(options: DaemonOptions, logger: Logger, systemd: SystemdNotifier = SystemdNotifier()) async throws {
        try await self.init(options: options, logger: logger, systemd: systemd, clock: DispatchTimerClock())
    }
}
