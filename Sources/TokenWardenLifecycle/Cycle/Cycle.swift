import Foundation
import TokenWardenConfig
import TokenWardenCore
import TokenWardenJournal
import TokenWardenProviders
import TokenWardenStore

/// One pass of the lifecycle over some providers: poll, resume unfinished rotations, decide on the
/// stored inventory, act. `tokenwarden sync` runs it once over every provider; the daemon once per
/// tick of one provider. What it did comes back as one `CycleReport`.
public struct Cycle: Sendable {
    /// What the cycle works with, built once per load.
    public let setup: CycleSetup
    let store: TokenStore
    let clock: @Sendable () -> Date
    /// The host's time zone, for digest windows ("daily 09:00").
    let timeZone: TimeZone

    public init(setup: CycleSetup, store: TokenStore, clock: @escaping @Sendable () -> Date = { Date() }, timeZone: TimeZone = .current) {
        self.setup = setup
        self.store = store
        self.clock = clock
        self.timeZone = timeZone
    }

    /// Runs the cycle for `providers` (every provider when nil). A provider whose credential did not
    /// load is not polled, but a write due there fails with the reason instead of silently waiting.
    /// `reserve` shares the blast-radius limit with other cycles (see `PolicyActuator.apply`).
    public func run(providers: Set<String>? = nil, reserve: (@Sendable (Int) async -> Int)? = nil) async throws -> CycleReport {
        let drivers = setup.drivers.filter { providers?.contains($0.config.id) ?? true }
        let unusable = setup.unusable.filter { providers?.contains($0.provider) ?? true }
        let configuration = setup.context.configuration
        let rules = setup.context.policies.rules
        let polls = await ProviderPoller(store: store, clock: clock, alertAfterFailing: configuration.daemon.alertAfterFailing).pollAll(drivers)
        let failing = polls.compactMap { poll in poll.failingTooLongSince.map { JournalEvent.providerFailing(poll, since: $0, now: clock()) } }
        let writable = Dictionary(drivers.map { ($0.config.id, $0.driver) }, uniquingKeysWith: { first, _ in first })
        let spool = SecretSpool(stateDirectory: configuration.daemon.stateDirectory)
        let actuator = PolicyActuator(
            store: store, spool: spool, createSettles: setup.createSettles, clock: clock, timeZone: timeZone,
            giveUpAfter: configuration.daemon.giveUpAfter)
        let resumed = try await actuator.resumeRotations(drivers: writable, rules: rules, enforce: configuration.daemon.enforce)
        // A probe left by a rehearsal tokenwarden stopped during is revoked like any create in flight;
        // a provider that fails now is tried again next cycle.
        for (provider, driver) in writable {
            try? await Rehearsal.sweep(provider: provider, driver: driver, store: store, settles: setup.createSettles, now: clock())
        }
        let scope = Set(drivers.map(\.config.id) + unusable.map(\.provider))
        let decisions = try setup.context.decisionSource(store: store, providers: scope, now: clock())
        let applied = try await actuator.apply(
            decisions, rules: rules, providers: scope, enforce: configuration.daemon.enforce,
            budget: ActionBudget(settings: configuration.daemon, providers: configuration.providers), drivers: writable,
            unusable: Dictionary(unusable.map { ($0.provider, $0.reason) }, uniquingKeysWith: { first, _ in first }),
            reserve: reserve, creator: setup.creator, notifying: configuration, selecting: configuration.metrics.isEnabled)
        // Each run of failures that reached `give_up_after` this cycle is one error entry, so one alert.
        let gaveUp = try store.takeUnannouncedGiveUps().map { run in
            JournalEvent.gaveUp(run, token: try store.token(provider: run.provider, id: run.tokenID))
        }
        return CycleReport(
            polls: polls, unusable: unusable, decided: applied.digest, events: failing + resumed + applied.events + gaveUp,
            writes: applied.writes)
    }
}
