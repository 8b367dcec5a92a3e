import Foundation
import TokenWardenCore
import TokenWardenJournal
import TokenWardenStore

/// Carries out a cycle's decisions: notifies, reports what enforcement would do, and, when enforcing,
/// revokes and rotates within the blast-radius limit. Everything it does is in the audit trail.
/// Report-only, held and deferred decisions are reported once per threshold crossing (and again when
/// the token's facts change), not every cycle; writes are retried every cycle until they succeed.
public struct PolicyActuator: Sendable {
    let store: TokenStore
    let now: @Sendable () -> Date
    let reportsPerCycle: Int
    /// The host's time zone, for digest windows ("daily 09:00").
    let timeZone: TimeZone

    /// New or changed decisions reported per cycle; the rest wait for the next cycles, with one line
    /// that counts them. A 1M-token store's first report was 600k entries (`make bench`).
    public static let reportsPerCycle = 100

    public init(
        store: TokenStore, now: @escaping @Sendable () -> Date = { Date() }, reportsPerCycle: Int = PolicyActuator.reportsPerCycle,
        timeZone: TimeZone = .current
    ) {
        self.store = store
        self.now = now
        self.reportsPerCycle = reportsPerCycle
        self.timeZone = timeZone
    }

    /// What a decision reported rather than carried out comes to this cycle (a write is carried
    /// out: it has no handling). `DecisionReport` words each for the journal and the audit trail.
    enum Handling: String {
        /// `waiting`: the token's last rotation failed recently; it is not tried again yet.
        /// `gaveUp`: its writes failed `give_up_after` times in a row; `tokenwarden retry` re-arms them.
        case notify, held, report, deferred, waiting, gaveUp
    }

    /// How long after a failed rotation policy leaves the token alone: a broken delivery would
    /// otherwise create and revoke a token every cycle. An admin's `rotate` is not held back.
    public static let rotationRetryDelay: TimeInterval = 6 * 3_600

    /// What applying a cycle's decisions did.
    public struct Applied: Sendable {
        public var events: [JournalEvent]
        /// Revokes and rotations attempted: what the blast-radius budget was charged.
        public var writes: Int
        /// What the metrics keep of the decisions.
        public var digest: DecisionDigest
    }

    /// Applies what `source` decides about the tokens of `setup`'s providers (`CycleSetup.scoped`),
    /// reading them batch by batch (`DecisionPass`): the decisions are remembered through the store
    /// as they are made, and only those reported this cycle (at most `reportsPerCycle`) are decided
    /// again, to be journaled, audited and notified. A write for a provider the setup cannot write
    /// to fails with the reason. `window`, when given, is asked for the writes within the limits
    /// and grants how many of them may go ahead: the daemon's providers, each on its own timer,
    /// share one limit per interval.
    public func apply(_ source: DecisionSource, setup: CycleSetup, sharing window: WriteWindow? = nil) async throws -> Applied {
        let configuration = setup.configuration
        let (rules, enforce) = (setup.context.policies.rules, configuration.daemon.enforce)
        let budget = ActionBudget(settings: configuration.daemon, providers: configuration.providers)
        let rotating = Set(try store.unfinishedRotations().map(\.reference))
        let failedAt = try store.recentlyFailedRotations(since: now().addingTimeInterval(-Self.rotationRetryDelay))
        let gaveUp = try store.gaveUpWrites()
        var pass = DecisionPass(
            enforce: enforce, budget: budget, rotating: rotating, failedAt: failedAt, gaveUp: Set(gaveUp.keys), now: now(),
            selecting: configuration.metrics.isEnabled, approvals: source.approvals)
        // With no rule on these providers nothing is read, and what was remembered of them is forgotten.
        let stage =
            try source.query.map { query in try store.stageDecisions(over: query, at: source.now) { tokens in pass.take(source.decide(tokens)) } }
            ?? store.stageDecisions([])
        var demoted: [DecisionMemo] = []
        if let window, !pass.within.isEmpty {
            let wanted = pass.within.count
            let interval = Duration.seconds(configuration.daemon.pollInterval.timeInterval)
            let granted = max(0, min(wanted, await window.reserve(wanted, limit: configuration.daemon.maxActionsPerCycle, window: interval)))
            demoted = pass.grant(
                granted, limit: "[daemon] max_actions_per_cycle = \(budget.total), shared by all providers within one poll_interval")
        }
        let remembered = try store.rememberDecisions(stage, adding: demoted, providers: setup.providerIDs, at: now(), limit: reportsPerCycle)
        let fresh = try source.decisions(about: remembered.fresh, store: store)

        var events: [JournalEvent] = []
        var audited: [AuditedAction] = []
        var noticed: [Decision] = []
        let destinations = Dictionary(rules.map { ($0.name, $0.delivery?.destination ?? "its destination") }, uniquingKeysWith: { first, _ in first })
        for decision in fresh {
            guard let (how, limit) = pass.handling(of: decision).map({ ($0.how, $0.limit) }) else { continue }
            let reference = decision.token.reference
            let report = DecisionReport(
                decision, how,
                DecisionReport.Context(
                    limit: limit, failedAt: failedAt[reference], gaveUp: gaveUp[reference],
                    sharedWith: (pass.sharing[decision.rule] ?? []).filter { $0 != reference },
                    destination: destinations[decision.rule] ?? "its destination", enforce: enforce, now: now()))
            events.append(report.event)
            audited.append(report.audit)
            if how == .notify { noticed.append(decision) }
        }
        // Messages to people are queued with the audit records, in one transaction (see `OutboxDispatcher`).
        var digests = OutboxMessage.Digests(messages: [], unresolvedOwners: [])
        if !noticed.isEmpty {
            let recipients = OutboxMessage.Recipients(rules: rules, configuration: configuration, timeZone: timeZone)
            digests = OutboxMessage.digests(noticed, escalating: remembered.escalating, to: recipients, at: now())
        }
        try store.recordActions(audited, queueing: digests.messages, gather: OutboxMessage.gather)
        events += try requestApprovals(pass.asking, rules: rules, reported: Set(fresh.map(\.token.reference)))
        if !digests.unresolvedOwners.isEmpty, let fallback = configuration.owners.fallback {
            events.append(.ownersUnresolved(digests.unresolvedOwners, fallback: fallback))
        }
        for decision in noticed where remembered.escalating.contains(decision.token.reference) {
            events.append(.escalated(decision, to: rules.first { $0.name == decision.rule }?.escalateTo ?? []))
        }
        if remembered.pending > 0 { events.append(.reportsPending(remembered.pending, perCycle: reportsPerCycle)) }
        if pass.heldBack > 0 {
            events.append(.limitReached(due: pass.due, allowed: pass.within.count, heldBack: pass.heldBack, first: pass.heldBackSample))
        }
        events += try await write(pass.within, setup: setup)
        return Applied(events: events, writes: pass.within.count, digest: pass.digest)
    }

    private func write(_ decisions: [Decision], setup: CycleSetup) async throws -> [JournalEvent] {
        guard !decisions.isEmpty else { return [] }
        let rules = Dictionary(setup.context.policies.rules.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let (drivers, starter) = (setup.writable, setup.rotationStarter(store: store, now: now))
        let giveUpAfter = setup.configuration.daemon.giveUpAfter
        var lock: RotationLock?
        var events: [JournalEvent] = []
        for decision in decisions {
            let token = decision.token
            guard let driver = drivers[token.provider] else {
                let reason = setup.unusable.first { $0.provider == token.provider }?.reason ?? "the provider is not configured"
                try store.recordAction(
                    AuditedAction(
                        provider: token.provider, tokenID: token.id, occurredAt: now(), rule: decision.rule,
                        action: decision.action, mode: .enforce, outcome: .failed, reason: decision.reason, error: reason))
                events.append(.cannotWrite(decision, because: reason))
                continue
            }
            // A pause or a denial given while this cycle ran holds what it decided before.
            if let change = try changedSinceDecided(decision, rule: rules[decision.rule]) {
                events.append(
                    JournalEvent(
                        .heldByAdmin, .info, "not \(JournalEvent.verb(decision.action)) \(token.reference) \"\(token.name)\" this cycle: \(change)",
                        token: token, rule: decision.rule, action: decision.action))
                continue
            }
            switch decision.action {
            case .revoke:
                let outcome = try await TokenRevoker(store: store, giveUpAfter: giveUpAfter, now: now).revoke(
                    token, with: driver, mode: .enforce, rule: decision.rule, reason: decision.reason)
                events.append(.revoke(outcome, token: token, rule: decision.rule))
            case .rotate:
                guard let rule = rules[decision.rule], let delivery = rule.delivery else { continue }
                if lock == nil { lock = try await starter.lock() }
                guard let lock else {
                    events.append(
                        .rotationPutOff(
                            token, rule: rule.name, "not rotating \(token.reference) this cycle: another rotation has been running for 30 seconds"))
                    continue
                }
                let signer: any ProviderDriver
                do {
                    signer = try starter.signer(for: token, main: driver)
                } catch {
                    try store.recordAction(
                        AuditedAction(
                            provider: token.provider, tokenID: token.id, occurredAt: now(), rule: decision.rule,
                            action: .rotate, mode: .enforce, outcome: .failed, reason: decision.reason,
                            error: "the owner's credential cannot be used: \(error.reason)"))
                    events.append(.cannotWrite(decision, because: error.description))
                    continue
                }
                do {
                    let record = try await starter.rotate(
                        token, delivery: delivery.resolved(for: token), overlap: rule.overlap ?? Rule.defaultOverlap, switchOver: rule.switchOver,
                        rule: rule.name, mode: .enforce, reason: decision.reason, driver: driver, signer: signer, holding: lock)
                    events.append(.rotation(record, token: token))
                } catch let error as StoreError {
                    // An admin's `tokenwarden rotate` of the same token got there first.
                    guard case .rotationInProgress = error else { throw error }
                    events.append(.rotationPutOff(token, rule: rule.name, error.description, priority: .notice))
                }
            case .notify:
                continue
            }
        }
        withExtendedLifetime(lock) {}
        return events
    }
}
