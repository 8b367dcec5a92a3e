import Foundation
import TokenWardenConfig
import TokenWardenCore
import TokenWardenProviders
import TokenWardenStore

/// One pass of the lifecycle over a set of providers: poll, resume unfinished rotations, evaluate
/// policy on the stored inventory, act. `tokenwarden sync` runs it once; the daemon on every tick.
public struct LifecycleCycle: Sendable {
    /// What a cycle did, for `sync` to print and the daemon to report.
    public struct Report: Sendable {
        public var polls: [PollResult]
        public var decisions: [Decision]
        public var events: [LifecycleEvent]
        /// Revokes and rotations attempted (charged to the blast-radius budget).
        public var writes: Int
    }

    let configuration: Configuration
    let policies: PolicySet
    let store: TokenStore
    let clock: @Sendable () -> Date
    /// See `HTTPPolicy.createSettles`: the HTTP client's, so a lost create is awaited as long as it may land.
    let createSettles: TimeInterval

    public init(
        configuration: Configuration, policies: PolicySet, store: TokenStore, createSettles: TimeInterval,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.policies = policies
        self.store = store
        self.createSettles = createSettles
        self.clock = clock
    }

    /// Runs the cycle for `drivers` (the providers whose credentials loaded); `unusable` names the
    /// others and why, so a write due there fails with the reason instead of silently waiting.
    /// `reserve` shares the blast-radius limit with other cycles (see `PolicyActuator.apply`).
    /// Throws a `ConfigError` when `enforce = true` is unsafe (see `EnforcementCheck`): nothing is polled.
    public func run(
        drivers: [(config: ProviderConfig, driver: any ProviderDriver)],
        unusable: [(provider: String, reason: String)] = [], reserve: (@Sendable (Int) async -> Int)? = nil,
        creator: PolicyActuator.Creator? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> Report {
        let unsafe = EnforcementCheck.problems(configuration: configuration, rules: policies.rules)
        guard unsafe.isEmpty else { throw ConfigError(problems: unsafe) }
        let polls = await ProviderPoller(store: store, clock: clock).pollAll(drivers)
        let writable = Dictionary(drivers.map { ($0.config.id, $0.driver) }, uniquingKeysWith: { first, _ in first })
        let spool = SecretSpool(stateDirectory: configuration.daemon.stateDirectory)
        let actuator = PolicyActuator(store: store, spool: spool, createSettles: createSettles, clock: clock)
        let events = try await actuator.resumeRotations(drivers: writable, rules: policies.rules, enforce: configuration.daemon.enforce)
        let scope = Set(drivers.map(\.config.id) + unusable.map(\.provider))
        let decisions = try Runtime.decisions(
            store: store, configuration: configuration, policies: policies,
            providers: scope, environment: environment, now: clock())
        let budget = ActionBudget(settings: configuration.daemon, providers: configuration.providers)
        let applied = try await actuator.apply(
            decisions, rules: policies.rules, providers: scope, enforce: configuration.daemon.enforce,
            budget: budget, drivers: writable,
            unusable: Dictionary(unusable.map { ($0.provider, $0.reason) }, uniquingKeysWith: { first, _ in first }),
            reserve: reserve, creator: creator)
        return Report(polls: polls, decisions: decisions, events: events + applied.events, writes: applied.writes)
    }
}
