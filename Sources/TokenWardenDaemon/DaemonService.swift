import Dispatch
import Foundation
import Logging
import TokenWardenConfig
import TokenWardenCore
import TokenWardenJournal
import TokenWardenProviders
import TokenWardenStore

/// The long-running daemon: one `DispatchSourceTimer` per provider, a lifecycle cycle per tick,
/// SIGHUP reloads, SIGTERM stops, and systemd told each step through `sd_notify`.
/// An idle daemon has nothing but armed timers: no thread polls or spins between ticks.
public actor DaemonService {
    /// What the caller decides: which config, and (for `demo`) how many rounds before exiting.
    public struct Options: Sendable {
        public var configPath: String
        /// Exit after every provider has been polled this many times; nil runs until stopped.
        public var rounds: Int?
        public var environment: [String: String]

        public init(configPath: String, rounds: Int? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
            self.configPath = configPath
            self.rounds = rounds
            self.environment = environment
        }
    }

    /// The configuration in effect and what was built from it.
    struct Loaded {
        var configuration: Configuration
        var policies: PolicySet
        var drivers: [(config: ProviderConfig, driver: any ProviderDriver)]
        var unusable: [(provider: String, reason: String)]
    }

    let options: Options
    let logger: Logger
    let notifier: SystemdNotifier
    /// Made at the first load with its `request_timeout` (a reload keeps it: restart to change it).
    var http: ProviderHTTPClient?
    var loaded: Loaded?
    var store: TokenStore?
    var timers: [String: any DispatchSourceTimer] = [:]
    var nextPoll: [String: Date] = [:]
    var running: Set<String> = []
    var failures: [String: Int] = [:]
    var rounds: [String: Int] = [:]
    /// When each recent revoke or rotation was attempted: the daemon's providers share one
    /// `max_actions_per_cycle` per `[daemon] poll_interval`.
    var recentWrites: [Date] = []
    var stopping = false
    var inFlight: [String: Task<Void, Never>] = [:]
    var finished: CheckedContinuation<Void, Never>?
    /// Set once the database check after start passed; cycles wait for it.
    var storeChecked = false
    /// Why the daemon stopped on its own (a damaged database): `run()` throws it.
    var fatal: (any Error)?
    var signalSources: [any DispatchSourceSignal] = []
    var watchdog: (any DispatchSourceTimer)?

    public init(
        options: Options, logger: Logger, notifier: SystemdNotifier = SystemdNotifier(),
        http: ProviderHTTPClient? = nil
    ) {
        self.options = options
        self.logger = logger
        self.notifier = notifier
        self.http = http
    }

    /// Loads, opens the store, says `READY=1`, and runs until SIGTERM/SIGINT or the requested rounds.
    /// Throws when the first load fails: the daemon never starts on a bad configuration.
    public func run() async throws {
        let first: Loaded
        do {
            first = try load()
            // Checked after READY=1 (`checkStore`): on a large store the check takes seconds.
            store = try Runtime.store(for: first.configuration, checking: false)
        } catch {
            try? await http?.shutdown()
            throw error
        }
        loaded = first
        await installSignalHandlers()
        // A SIGTERM may have come while the signal sources were being installed: then `stop` ran
        // already (STOPPING=1 is out), so nothing is started and nothing waits for it to resume `finished`.
        if !stopping {
            schedule(first, initial: true)
            startWatchdog()
            _ = try? notifier.notify([("READY", "1"), ("STATUS", "started; first polls within \(Self.spread(first))")])
            logger.event(
                .daemonStarted, .notice,
                "tokenwarden started: \(first.drivers.count) providers, \(first.policies.rules.count) rules, "
                    + (first.configuration.daemon.enforce ? "enforcing" : "report-only"), detail: first.configuration.sourcePath)
            for (provider, reason) in first.unusable {
                logger.event(.pollFailed, .error, "provider \(provider) cannot be polled: \(reason)", provider: provider)
            }
            checkStore()
            await withCheckedContinuation { continuation in finished = continuation }
        }
        for task in inFlight.values { await task.value }
        try? await http?.shutdown()
        if let fatal { throw fatal }
    }

    /// Runs the database check on a thread of its own (it reads the whole file; Swift's executor
    /// threads must not block that long), then lets cycles run, or stops on damage.
    func checkStore() {
        guard let store else { return }
        Thread {
            let outcome = Result { () throws(StoreError) in try store.check() }
            Task { await self.storeCheckFinished(outcome) }
        }.start()
    }

    func storeCheckFinished(_ outcome: Result<Void, StoreError>) {
        switch outcome {
        case .success:
            storeChecked = true
        case .failure(let error):
            logger.event(.storeDamaged, .critical, "\(error)")
            fatal = error
            stop(reason: "the database failed its check")
        }
    }

    /// Stops starting work, lets running cycles finish (a rotation reaches a committed state), and
    /// ends `run()`.
    public func stop(reason: String) {
        guard !stopping else { return }
        stopping = true
        _ = try? notifier.notify([("STOPPING", "1"), ("STATUS", "stopping: \(reason)")])
        logger.event(.daemonStopping, .notice, "tokenwarden stopping (\(reason)); \(running.count) cycles still running")
        for timer in timers.values { timer.cancel() }
        timers = [:]
        watchdog?.cancel()
        for source in signalSources { source.cancel() }
        finished?.resume()
        finished = nil
    }

    /// SIGHUP: reads the configuration and policies again; a bad file keeps the last good ones running.
    public func reload() {
        guard !stopping else { return }
        let monotonic = Self.monotonicMicroseconds()
        _ = try? notifier.notify([("RELOADING", "1"), ("MONOTONIC_USEC", String(monotonic))])
        do {
            let next = try load()
            for timer in timers.values { timer.cancel() }
            timers = [:]
            loaded = next
            schedule(next, initial: true)
            logger.event(
                .daemonReloaded, .notice,
                "reloaded: \(next.drivers.count) providers, \(next.policies.rules.count) rules, "
                    + (next.configuration.daemon.enforce ? "enforcing" : "report-only"), detail: next.configuration.sourcePath)
        } catch {
            logger.event(.policyRejected, .error, "reload refused, the previous configuration stays in effect: \(error)")
        }
        _ = try? notifier.notify([("READY", "1")])
    }

    /// Config, policies, the enforcement check and a driver per provider, or every problem.
    func load() throws -> Loaded {
        let configuration = try ConfigLoader(environment: options.environment).load(path: options.configPath)
        if store != nil, configuration.databasePath != loaded?.configuration.databasePath {
            throw ConfigError(problems: [
                ConfigProblem(
                    file: configuration.sourcePath, subject: "[daemon]", key: "state_directory",
                    message: "cannot change while the daemon runs; restart it instead")
            ])
        }
        let policies = try Runtime.policies(for: configuration)
        let unsafe = EnforcementCheck.problems(configuration: configuration, rules: policies.rules)
        guard unsafe.isEmpty else { throw ConfigError(problems: unsafe) }
        let http = self.http ?? ProviderHTTPClient(policy: configuration.httpPolicy)
        self.http = http
        let drivers = Runtime.drivers(for: configuration, http: http, environment: options.environment)
        return Loaded(configuration: configuration, policies: policies, drivers: drivers.ready, unusable: drivers.failed)
    }

    // MARK: - Scheduling

    /// Arms every provider's timer; the first polls are spread over a jitter window so a start or
    /// reload never sends every request at once.
    func schedule(_ loaded: Loaded, initial: Bool) {
        let window = Self.spread(loaded)
        for (config, _) in loaded.drivers {
            arm(config.id, after: initial ? Double.random(in: 0...window.timeInterval) : interval(of: config.id))
        }
    }

    /// The first-poll jitter window: a quarter of the shortest interval, at most a minute.
    static func spread(_ loaded: Loaded) -> TimeSpan {
        let shortest = loaded.drivers.map { ($0.config.pollInterval ?? loaded.configuration.daemon.pollInterval).seconds }.min() ?? 60
        return TimeSpan(seconds: min(60, max(1, shortest / 4)))
    }

    func interval(of provider: String) -> TimeInterval {
        guard let loaded, let config = loaded.configuration.provider(id: provider) else { return 60 }
        return (config.pollInterval ?? loaded.configuration.daemon.pollInterval).timeInterval
    }

    /// One-shot timer, re-armed after each cycle: a slow cycle never overlaps the next for one provider.
    /// Leeway (5% of the delay, at most 30 s) lets the kernel coalesce wake-ups.
    func arm(_ provider: String, after delay: TimeInterval) {
        timers[provider]?.cancel()
        let timer = DispatchSource.makeTimerSource(queue: .global())
        let leeway = DispatchTimeInterval.milliseconds(Int(min(30_000, max(1, delay * 50))))
        timer.schedule(deadline: .now() + delay, leeway: leeway)
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            Task { await self.tick(provider) }
        }
        timers[provider] = timer
        nextPoll[provider] = Date().addingTimeInterval(delay)
        // For `tokenwarden status`; a failed write only leaves that line out of date.
        try? store?.recordNextPoll(provider: provider, at: nextPoll[provider])
        timer.resume()
    }

    /// A timer fired: run one cycle for that provider, then re-arm it (backing off while it fails).
    func tick(_ provider: String) {
        guard !stopping, !running.contains(provider), let loaded, let store,
            let entry = loaded.drivers.first(where: { $0.config.id == provider })
        else { return }
        guard storeChecked else {
            arm(provider, after: 1)
            return
        }
        running.insert(provider)
        nextPoll[provider] = nil
        guard let http else { return }
        let cycle = LifecycleCycle(
            configuration: loaded.configuration, policies: loaded.policies, store: store,
            createSettles: http.policy.createSettles)
        let creator = Runtime.creators(for: loaded.configuration, http: http, environment: options.environment)
        let logger = logger
        let started = Date()
        // A provider's first inventory is reported as one count, not one entry per token.
        let firstPoll = (try? store.lastSuccessfulTokenCount(provider: provider)) == nil
        let task = Task {
            let outcome: Result<LifecycleCycle.Report, any Error>
            do {
                outcome = .success(
                    try await cycle.run(
                        drivers: [entry], reserve: { wanted in await self.reserveWrites(wanted) },
                        creator: creator))
            } catch {
                outcome = .failure(error)
            }
            if !firstPoll { self.reportObservations(of: provider, since: started) }
            if case .success(let report) = outcome { for event in report.events { event.log(to: logger) } }
            self.finish(provider, outcome)
            if self.running.isEmpty { IdleMemory.release(store) }
        }
        inFlight[provider] = task
    }

    /// Records how a provider's cycle went, logs a poll failure or recovery, re-arms the timer and
    /// updates `STATUS=`.
    func finish(_ provider: String, _ outcome: Result<LifecycleCycle.Report, any Error>) {
        running.remove(provider)
        inFlight[provider] = nil
        let poll = (try? outcome.get())?.polls.first
        let failedBefore = failures[provider, default: 0]
        if let poll {
            failures[provider] = poll.succeeded ? 0 : failedBefore + 1
            poll.log(to: logger, failedBefore: failedBefore)
        } else {
            failures[provider] = failedBefore + 1
            let reason: String =
                switch outcome {
                case .failure(let error): "\(error)"
                case .success: "unknown error"
                }
            PollResult.logFailure(provider: provider, inARow: failedBefore + 1, reason: reason, to: logger)
        }
        rounds[provider, default: 0] += 1
        if let wanted = options.rounds, let loaded, loaded.drivers.allSatisfy({ rounds[$0.config.id, default: 0] >= wanted }) {
            stop(reason: "\(wanted) rounds done")
            return
        }
        guard !stopping else { return }
        arm(provider, after: min(backoff(provider), untilOldTokenDue(provider)))
        updateStatus()
    }

    /// Grants up to `wanted` writes from `[daemon] max_actions_per_cycle`, shared by every provider's
    /// cycle within one `poll_interval`, and charges them at once, so two cycles running side by side
    /// cannot both spend the same budget.
    func reserveWrites(_ wanted: Int) -> Int {
        guard let loaded else { return 0 }
        let now = Date()
        recentWrites.removeAll { now.timeIntervalSince($0) >= loaded.configuration.daemon.pollInterval.timeInterval }
        let granted = min(wanted, max(0, loaded.configuration.daemon.maxActionsPerCycle - recentWrites.count))
        recentWrites += Array(repeating: now, count: granted)
        return granted
    }

    /// Journal entries for what the poll saw change: a token discovered, changed, disappeared or
    /// back. At most `observationLimit` per cycle; beyond that one line points to `history`.
    func reportObservations(of provider: String, since started: Date) {
        guard let store, let seen = try? store.observations(provider: provider, since: started, limit: Self.observationLimit + 1) else { return }
        for entry in seen.prefix(Self.observationLimit) {
            guard let kind = TokenEventKind(rawValue: entry.event) else { continue }
            let event: JournalEvent =
                switch kind {
                case .discovered: .tokenDiscovered
                case .changed: .tokenChanged
                case .disappeared: .tokenDisappeared
                case .reappeared: .tokenReappeared
                }
            logger.event(
                event, kind == .changed || kind == .discovered ? .info : .notice,
                "\(provider)/\(entry.tokenID) \"\(entry.tokenName)\" \(kind.rawValue)\(entry.detail.isEmpty ? "" : ": " + entry.detail)",
                provider: provider, token: (entry.tokenID, entry.tokenName), detail: entry.detail.isEmpty ? nil : entry.detail)
        }
        if seen.count > Self.observationLimit {
            logger.event(
                .pollSucceeded, .notice,
                "provider \(provider): more than \(Self.observationLimit) tokens changed in one poll; "
                    + "`tokenwarden history` lists them all", provider: provider)
        }
    }

    static let observationLimit = 100

    /// Seconds until the first delivered rotation of `provider` may revoke its old token (plus a
    /// second), so the old token lives no longer than its overlap rather than until the next poll.
    func untilOldTokenDue(_ provider: String) -> TimeInterval {
        let due = ((try? store?.unfinishedRotations()) ?? [])
            .filter { $0.provider == provider && $0.state == .delivered }.compactMap(\.revokeOldAfter).min()
        return due.map { max(1, $0.timeIntervalSinceNow + 1) } ?? .infinity
    }

    /// The poll interval, ±10% jitter; while a provider keeps failing, doubled per failure up to 8×.
    func backoff(_ provider: String) -> TimeInterval {
        let base = interval(of: provider) * Double(1 << min(3, failures[provider, default: 0]))
        return base * Double.random(in: 0.9...1.1)
    }

    /// "312 tokens, 4 expiring ≤14d, 0 failing providers, next poll 14:05".
    func updateStatus() {
        guard let store else { return }
        let now = Date()
        let counts = (try? store.tokenCounts()) ?? [:]
        let live = counts[.active, default: 0] + counts[.expired, default: 0]
        let expiring = (try? store.countTokens(matching: TokenQuery(states: [.active], expiringWithin: .days(14)), at: now)) ?? 0
        let failing = failures.values.filter { $0 > 0 }.count
        let next = nextPoll.values.min().map { Self.clock($0) } ?? "—"
        _ = try? notifier.status("\(live) tokens, \(expiring) expiring ≤14d, \(failing) failing providers, next poll \(next)")
    }

    // MARK: - Signals and watchdog

    /// Handles SIGHUP, SIGTERM and SIGINT through dispatch sources, and returns once the sources are
    /// live. libdispatch on Linux takes the signals over (its handler and a signalfd) on its manager
    /// thread after `resume()`; `READY=1` goes out only after that. The signals are not set to
    /// SIG_IGN first: one arriving in that window was ignored, and a SIGTERM right after `READY=1`
    /// left the daemon running (2 starts in 60 by a script). Before the handover a SIGTERM or SIGINT
    /// ends the process the default way, which is all a stop can mean before start-up finished.
    func installSignalHandlers() async {
        await withTaskGroup(of: Void.self) { group in
            for number in [SIGHUP, SIGTERM, SIGINT] {
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { [weak self] in
                    guard let self else { return }
                    Task {
                        if number == SIGHUP { await self.reload() } else { await self.stop(reason: number == SIGTERM ? "SIGTERM" : "SIGINT") }
                    }
                }
                let registered = AsyncStream<Void>.makeStream()
                source.setRegistrationHandler { registered.continuation.finish() }
                source.resume()
                signalSources.append(source)
                group.addTask { for await _ in registered.stream {} }
            }
        }
    }

    /// `WATCHDOG=1` at half of `$WATCHDOG_USEC`, sent only after this actor answered and the store
    /// read a row: a wedged daemon stops pinging and systemd restarts it.
    func startWatchdog() {
        guard let text = options.environment["WATCHDOG_USEC"], let usec = Double(text), usec > 0 else { return }
        let timer = DispatchSource.makeTimerSource(queue: .global())
        let period = usec / 2 / 1_000_000
        timer.schedule(deadline: .now() + period, repeating: period, leeway: .milliseconds(Int(period * 100)))
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            Task { await self.pingWatchdog() }
        }
        watchdog = timer
        timer.resume()
    }

    func pingWatchdog() {
        guard !stopping, let store, (try? store.tokenCounts()) != nil else { return }
        _ = try? notifier.notify([("WATCHDOG", "1")])
    }

    static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }

    /// "14:05" in UTC.
    static func clock(_ date: Date) -> String {
        let text = ProviderTimestamp.format(date)
        let time = text.split(separator: "T").last.map(String.init) ?? text
        return String(time.prefix(5)) + " UTC"
    }
}
