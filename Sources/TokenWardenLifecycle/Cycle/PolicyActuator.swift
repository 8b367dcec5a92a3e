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
    let rotator: TokenRotator
    let spool: SecretSpool
    let clock: @Sendable () -> Date
    let reportsPerCycle: Int
    /// The host's time zone, for digest windows ("daily 09:00").
    let timeZone: TimeZone
    /// `[daemon] give_up_after`.
    let giveUpAfter: Int

    /// New or changed decisions reported per cycle; the rest wait for the next cycles, with one line
    /// that counts them. A 1M-token store's first report was 600k entries (`make bench`).
    public static let reportsPerCycle = 100

    public init(
        store: TokenStore, spool: SecretSpool, createSettles: TimeInterval, clock: @escaping @Sendable () -> Date = { Date() },
        reportsPerCycle: Int = PolicyActuator.reportsPerCycle, timeZone: TimeZone = .current,
        giveUpAfter: Int = DaemonSettings.defaultGiveUpAfter
    ) {
        self.timeZone = timeZone
        self.giveUpAfter = giveUpAfter
        self.store = store
        self.spool = spool
        self.rotator = TokenRotator(store: store, spool: spool, createSettles: createSettles, giveUpAfter: giveUpAfter, clock: clock)
        self.clock = clock
        self.reportsPerCycle = reportsPerCycle
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

    /// The driver that creates `token`'s successor, signed in as its owner, given the provider's main
    /// driver (see `DriverFactory.creator`); without one, the main driver creates.
    public typealias Creator = @Sendable (_ token: Token, _ main: any ProviderDriver) throws -> any ProviderDriver

    /// What applying a cycle's decisions did.
    public struct Applied: Sendable {
        public var events: [JournalEvent]
        /// Revokes and rotations attempted: what the blast-radius budget was charged.
        public var writes: Int
        /// What the metrics keep of the decisions.
        public var digest: DecisionDigest
    }

    /// Applies what `source` decides about the tokens of `providers`, reading them batch by batch
    /// (`DecisionPass`): the decisions are remembered through the store as they are made, and only
    /// those reported this cycle (at most `reportsPerCycle`) are decided again, to be journaled,
    /// audited and notified. `drivers` are the providers that can be written to; a write for any
    /// other fails with the reason. `reserve`, when given, is asked for the writes within the limits
    /// and answers how many of them may go ahead: the daemon's providers, each on its own timer,
    /// share one limit per interval. `selecting` keeps the selected tokens for the metrics.
    public func apply(
        _ source: DecisionSource, rules: [Rule], providers: Set<String>, enforce: Bool, budget: ActionBudget,
        drivers: [String: any ProviderDriver], unusable: [String: String] = [:],
        reserve: (@Sendable (Int) async -> Int)? = nil, creator: Creator? = nil, notifying configuration: Configuration? = nil,
        selecting: Bool = false
    ) async throws -> Applied {
        let rotating = Set(try store.unfinishedRotations().map(\.reference))
        let failedAt = try store.recentlyFailedRotations(since: clock().addingTimeInterval(-Self.rotationRetryDelay))
        let gaveUp = try store.gaveUpWrites()
        var pass = DecisionPass(
            enforce: enforce, budget: budget, rotating: rotating, failedAt: failedAt, gaveUp: Set(gaveUp.keys), now: clock(), selecting: selecting)
        // With no rule on these providers nothing is read, and what was remembered of them is forgotten.
        let stage =
            try source.query.map { query in try store.stageDecisions(over: query, at: source.now) { tokens in pass.take(source.decide(tokens)) } }
            ?? store.stageDecisions([])
        var demoted: [DecisionMemo] = []
        if let reserve, !pass.within.isEmpty {
            let granted = max(0, min(pass.within.count, await reserve(pass.within.count)))
            demoted = pass.grant(
                granted, limit: "[daemon] max_actions_per_cycle = \(budget.total), shared by all providers within one poll_interval")
        }
        let remembered = try store.rememberDecisions(stage, adding: demoted, providers: providers, at: clock(), limit: reportsPerCycle)
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
                    destination: destinations[decision.rule] ?? "its destination", enforce: enforce, now: clock()))
            events.append(report.event)
            audited.append(report.audit)
            if how == .notify { noticed.append(decision) }
        }
        // Messages to people are queued with the audit records, in one transaction (see `OutboxDispatcher`).
        var digests = OutboxMessage.Digests(messages: [], unresolvedOwners: [])
        if let configuration, !noticed.isEmpty {
            let recipients = OutboxMessage.Recipients(rules: rules, configuration: configuration, timeZone: timeZone)
            digests = OutboxMessage.digests(noticed, escalating: remembered.escalating, to: recipients, at: clock())
        }
        try store.recordActions(audited, queueing: digests.messages, gather: OutboxMessage.gather)
        if !digests.unresolvedOwners.isEmpty, let fallback = configuration?.owners.fallback {
            events.append(.ownersUnresolved(digests.unresolvedOwners, fallback: fallback))
        }
        for decision in noticed where remembered.escalating.contains(decision.token.reference) {
            events.append(.escalated(decision, to: rules.first { $0.name == decision.rule }?.escalateTo ?? []))
        }
        if remembered.pending > 0 { events.append(.reportsPending(remembered.pending, perCycle: reportsPerCycle)) }
        if pass.heldBack > 0 {
            events.append(.limitReached(due: pass.due, allowed: pass.within.count, heldBack: pass.heldBack, first: pass.heldBackSample))
        }
        events += try await write(pass.within, rules: rules, drivers: drivers, unusable: unusable, creator: creator)
        return Applied(events: events, writes: pass.within.count, digest: pass.digest)
    }

    private func write(
        _ decisions: [Decision], rules: [Rule], drivers: [String: any ProviderDriver],
        unusable: [String: String], creator: Creator?
    ) async throws -> [JournalEvent] {
        guard !decisions.isEmpty else { return [] }
        let byName = Dictionary(rules.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var lock: RotationLock?
        var events: [JournalEvent] = []
        for decision in decisions {
            let token = decision.token
            guard let driver = drivers[token.provider] else {
                let reason = unusable[token.provider] ?? "the provider is not configured"
                try store.recordAction(
                    AuditedAction(
                        provider: token.provider, tokenID: token.id, occurredAt: clock(), rule: decision.rule,
                        action: decision.action, mode: .enforce, outcome: .failed, reason: decision.reason, error: reason))
                events.append(.cannotWrite(decision, because: reason))
                continue
            }
            switch decision.action {
            case .revoke:
                let outcome = try await TokenRevoker(store: store, giveUpAfter: giveUpAfter, clock: clock).revoke(
                    token, with: driver, mode: .enforce, rule: decision.rule, reason: decision.reason)
                events.append(.revoke(outcome, token: token, rule: decision.rule))
            case .rotate:
                guard let rule = byName[decision.rule], let delivery = rule.delivery else { continue }
                if lock == nil { lock = try await RotationLock.acquire(spool: spool, patience: .seconds(30)) }
                guard lock != nil else {
                    events.append(
                        .rotationPutOff(
                            token, rule: rule.name, "not rotating \(token.reference) this cycle: another rotation has been running for 30 seconds"))
                    continue
                }
                let signer: any ProviderDriver
                do {
                    signer = try creator?(token, driver) ?? driver
                } catch {
                    try store.recordAction(
                        AuditedAction(
                            provider: token.provider, tokenID: token.id, occurredAt: clock(), rule: decision.rule,
                            action: .rotate, mode: .enforce, outcome: .failed, reason: decision.reason,
                            error: "the owner's credential cannot be used: \(error)"))
                    events.append(.cannotWrite(decision, because: "the credential of its owner \(token.owner ?? "?") cannot be used: \(error)"))
                    continue
                }
                do {
                    let record = try await rotator.rotate(
                        token, delivery: delivery.resolved(for: token), overlap: rule.overlap ?? Rule.defaultOverlap,
                        switchOver: rule.switchOver, rule: rule.name, mode: .enforce, reason: decision.reason, driver: driver, creator: signer)
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
