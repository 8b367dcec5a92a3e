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
    let now: @Sendable () -> Date
    /// The host's time zone, for digest windows ("daily 09:00").
    let timeZone: TimeZone

    public init(setup: CycleSetup, store: TokenStore, now: @escaping @Sendable () -> Date = { Date() }, timeZone: TimeZone = .current) {
        self.setup = setup
        self.store = store
        self.now = now
        self.timeZone = timeZone
    }

    /// Runs the cycle for `providers` (every provider when nil). A provider whose credential did not
    /// load is not polled, but a write due there fails with the reason instead of silently waiting.
    /// `window` shares the blast-radius limit with other cycles (see `PolicyActuator.apply`).
    public func run(providers: Set<String>? = nil, sharing window: WriteWindow? = nil) async throws -> CycleReport {
        let setup = setup.scoped(to: providers)
        let configuration = setup.configuration
        let polls = await ProviderPoller(store: store, now: now, alertAfterFailing: configuration.daemon.alertAfterFailing).pollAll(setup.drivers)
        let failing =
            polls.compactMap { poll in poll.failingTooLongSince.map { JournalEvent.providerFailing(poll, since: $0, now: now()) } }
            + (try ownCredentialWarnings(setup))
        // A pause whose time ran out ends here, once, whichever cycle comes first.
        let resumed =
            try store.takeExpiredPauses(at: now()).map(JournalEvent.resumed)
            + store.takeExpiredApprovals(at: now()).map(JournalEvent.approvalExpired)
        let actuator = PolicyActuator(store: store, now: now, timeZone: timeZone)
        let rotations = try await actuator.resumeRotations(setup: setup) + rotateOwnCredentials(setup)
        // A probe left by a rehearsal tokenwarden stopped during is revoked like any create in flight
        // (not while paused); a provider that fails now is tried again next cycle.
        let paused = try store.pauses(at: now())
        for (provider, driver) in setup.writable where Pause.holding(provider, in: paused, at: now()) == nil {
            try? await Rehearsal.sweep(provider: provider, driver: driver, store: store, settles: setup.createSettles, now: now())
        }
        let decisions = try setup.context.decisionSource(store: store, providers: setup.providerIDs, now: now(), timeZone: timeZone)
        let applied = try await actuator.apply(decisions, setup: setup, sharing: window)
        // Each run of failures that reached `give_up_after` this cycle is one error entry, so one alert.
        let gaveUp = try store.takeUnannouncedGiveUps().map { run in
            JournalEvent.gaveUp(run, token: try store.token(provider: run.provider, id: run.tokenID))
        }
        return CycleReport(
            polls: polls, unusable: setup.unusable, decided: applied.digest, events: resumed + failing + rotations + applied.events + gaveUp,
            writes: applied.writes)
    }
}
