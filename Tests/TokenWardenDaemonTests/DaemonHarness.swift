import Foundation
import Logging
import Synchronization
import TokenWardenCore
import TokenWardenDaemon
import TokenWardenJournal
import TokenWardenLifecycle
import TokenWardenProviders
import TokenWardenSimulator
import TokenWardenTestSupport

/// The daemon in this process, as systemd would run it but for the clock: a config and policy on
/// disk, a store file, the simulator over real HTTP, the real services, and time on a `ManualClock`
/// the test moves. Tests see what the daemon journals and each cycle's report.
final class DaemonHarness: Sendable {
    /// One journal entry as the daemon logged it.
    struct Entry: Sendable {
        var level: Logger.Level
        var event: String
        var message: String
    }

    let simulator: ProviderSimulator
    let directory: TemporaryDirectory
    let config: String
    let clock: ManualClock
    let shell: DaemonShell<ManualClock>
    private let log: EntryLog
    private let reports: AsyncStream<CycleReport>
    private let started: AsyncStream<String>
    private let outbox: AsyncStream<[JournalEvent]>
    private let metrics: AsyncStream<String?>
    private let serving: AsyncStream<Int>
    private let exits = AsyncStream<Void>.makeStream()

    /// One request per attempt, no waiting between retries: a poll fails on the first 503.
    static let policy = HTTPPolicy(
        connectTimeout: 10, requestTimeout: 60, backoff: BackoffPolicy(base: 0.01, maximumDelay: 0.01, maximumTotal: 0.1),
        maximumAttempts: 1, maximumBodyBytes: 64 << 20)

    private init(
        simulator: ProviderSimulator, directory: TemporaryDirectory, config: String, http: ProviderHTTPClient,
        random: @escaping @Sendable (ClosedRange<Double>) -> Double
    ) async throws {
        self.simulator = simulator
        self.directory = directory
        self.config = config
        let log = EntryLog()
        let clock = ManualClock()
        self.log = log
        self.clock = clock
        let recorder = Recorder(log: log)
        let (reports, reported) = AsyncStream<CycleReport>.makeStream()
        let (started, starting) = AsyncStream<String>.makeStream()
        let (outbox, passed) = AsyncStream<[JournalEvent]>.makeStream()
        let (metrics, published) = AsyncStream<String?>.makeStream()
        let (serving, bound) = AsyncStream<Int>.makeStream()
        self.reports = reports
        self.started = started
        self.outbox = outbox
        self.metrics = metrics
        self.serving = serving
        let logger = Logger(label: "tokenwarden") { _ in recorder }
        shell = try await DaemonShell(
            options: DaemonOptions(configPath: config, environment: [:]), logger: logger, clock: clock, now: { clock.date }, http: http,
            random: random,
            observer: DaemonObserver(
                cycleStarted: { starting.yield($0) }, cycleFinished: { reported.yield($0) }, outboxPassed: { passed.yield($0) },
                metricsPublished: { published.yield($0) }, metricsServing: { bound.yield($0) }))
    }

    /// Runs `body` with a started daemon over simulated providers of `kinds` holding `tokens`, with
    /// `policy` as its one policy file; stops the daemon however `body` ends. `fractions` pick, in
    /// order, where in each range the daemon's random numbers fall (the rest: the middle).
    static func with(
        kinds: [ProviderKind], tokens: [ProviderKind: [ObservedToken]] = [:], policy: String = "", enforce: Bool = false,
        maxActions: Int = 10, interval: String = "60s", fractions: [Double] = [],
        daemonKeys: String = "", config extra: @escaping (ProviderSimulator, TemporaryDirectory) throws -> String = { _, _ in "" },
        _ body: (DaemonHarness) async throws -> Void
    ) async throws {
        let simulator = try await ProviderSimulator.start(.init(tokensPerProvider: 0))
        let http = ProviderHTTPClient(policy: Self.policy)
        do {
            for (kind, list) in tokens { await simulator.provider(kind).replaceTokens(list) }
            let directory = try TemporaryDirectory()
            let config = try SimulatorSetup.write(
                for: simulator, into: directory.subpath("sim"), pollInterval: interval, enforce: enforce, selfTokenID: "999999",
                maxActionsPerCycle: maxActions, kinds: kinds)
            _ = try directory.write("sim/policies.d/10-test.toml", policy)
            let written = try String(contentsOfFile: config, encoding: .utf8)
            let text = written.replacingOccurrences(of: "[daemon]\n", with: "[daemon]\n" + daemonKeys) + (try extra(simulator, directory))
            try Data(text.utf8).write(to: URL(fileURLWithPath: config))
            let queue = Mutex(fractions)
            let harness = try await DaemonHarness(
                simulator: simulator, directory: directory, config: config, http: http,
                random: { range in
                    let fraction = queue.withLock { $0.isEmpty ? 0.5 : $0.removeFirst() }
                    return range.lowerBound + (range.upperBound - range.lowerBound) * fraction
                })
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    defer { harness.exits.continuation.finish() }
                    try await harness.shell.run(trappingSignals: false)
                }
                do {
                    try await body(harness)
                } catch {
                    await harness.shell.stop(reason: "the test ended")
                    throw error
                }
                await harness.shell.stop(reason: "the test ended")
                try await group.waitForAll()
            }
        } catch {
            try? await http.shutdown()
            await simulator.stop()
            throw error
        }
        try await http.shutdown()
        await simulator.stop()
    }

    /// The next cycle's report (after its journal entries); nil when the daemon stopped first.
    func nextReport() async -> CycleReport? {
        var iterator = reports.makeAsyncIterator()
        return await iterator.next()
    }

    /// Returns once the daemon's `run()` has returned.
    func exited() async {
        for await _ in exits.stream {}
    }

    /// The journal entries of the next outbox pass that sent or tried something.
    func nextOutboxPass() async -> [JournalEvent]? {
        var iterator = outbox.makeAsyncIterator()
        return await iterator.next()
    }

    /// The first metrics text made from now on that `wanted` accepts (passes are coalesced, so one
    /// pass may follow several cycles); nil when the daemon stopped first.
    func nextMetrics(where wanted: (String) -> Bool) async -> String? {
        var iterator = metrics.makeAsyncIterator()
        while let text = await iterator.next() {
            if let text, wanted(text) { return text }
        }
        return nil
    }

    /// Returns once a metrics pass withdrew the text (`[metrics]` turned off); false when the daemon stopped first.
    func metricsWithdrawn() async -> Bool {
        var iterator = metrics.makeAsyncIterator()
        while let text = await iterator.next() {
            if text == nil { return true }
        }
        return false
    }

    /// The port `[metrics] listen` was bound to.
    func metricsPort() async -> Int? {
        var iterator = serving.makeAsyncIterator()
        return await iterator.next()
    }

    /// The provider of the next cycle to start.
    func nextCycleStart() async -> String? {
        var iterator = started.makeAsyncIterator()
        return await iterator.next()
    }

    /// What the daemon journaled so far.
    var journal: [Entry] { log.entries.withLock { $0 } }

    func journal(_ kind: JournalEvent.Kind) -> [Entry] { journal.filter { $0.event == kind.rawValue } }

    /// Replaces the policy file (for a reload).
    func writePolicy(_ text: String) throws {
        _ = try directory.write("sim/policies.d/10-test.toml", text)
    }

    /// A token created `days` ago with a year's lifetime.
    static func token(_ id: String, _ name: String, createdDaysAgo days: Double) -> ObservedToken {
        let created = Date().addingTimeInterval(-days * 86_400).atMillisecondPrecision
        return ObservedToken(
            id: id, name: name, owner: "admin", scopes: ["write"], createdAt: created, expiresAt: created.addingTimeInterval(365 * 86_400))
    }

    final class EntryLog: Sendable {
        let entries = Mutex<[Entry]>([])
    }

    /// Keeps every entry the daemon logs.
    private struct Recorder: LogHandler {
        let log: EntryLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let kind = event.metadata?["event"].map { "\($0)" } ?? ""
            log.entries.withLock { $0.append(Entry(level: event.level, event: kind, message: event.message.description)) }
        }
    }
}
