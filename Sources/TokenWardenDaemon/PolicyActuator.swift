import Foundation
import TokenWardenCore
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

    /// New or changed decisions reported per cycle; the rest wait for the next cycles, with one line
    /// that counts them. A 1M-token store's first report was 600k entries (`make bench`).
    public static let reportsPerCycle = 100

    public init(
        store: TokenStore, spool: SecretSpool, createSettles: TimeInterval, clock: @escaping @Sendable () -> Date = { Date() },
        reportsPerCycle: Int = PolicyActuator.reportsPerCycle
    ) {
        self.store = store
        self.spool = spool
        self.rotator = TokenRotator(store: store, spool: spool, createSettles: createSettles, clock: clock)
        self.clock = clock
        self.reportsPerCycle = reportsPerCycle
    }

    /// What a decision comes to this cycle.
    enum Handling: String {
        /// `waiting`: the token's last rotation failed recently; it is not tried again yet.
        case notify, held, report, deferred, waiting, write
    }

    /// How long after a failed rotation policy leaves the token alone: a broken delivery would
    /// otherwise create and revoke a token every cycle. An admin's `rotate` is not held back.
    public static let rotationRetryDelay: TimeInterval = 6 * 3_600

    /// The driver that creates `token`'s successor, signed in as its owner, given the provider's main
    /// driver (see `Runtime.creator`); without one, the main driver creates.
    public typealias Creator = @Sendable (_ token: Token, _ main: any ProviderDriver) throws -> any ProviderDriver

    /// What applying a cycle's decisions did.
    public struct Applied: Sendable {
        public var events: [LifecycleEvent]
        /// Revokes and rotations attempted: what the blast-radius budget was charged.
        public var writes: Int
    }

    /// Applies `decisions` (the engine's, for the tokens of `providers`). `drivers` are the providers
    /// that can be written to; a write for any other fails with the reason.
    /// `reserve`, when given, is asked for the writes within the limits and answers how many of them
    /// may go ahead: the daemon's providers, each on its own timer, share one limit per interval.
    public func apply(
        _ decisions: [Decision], rules: [Rule], providers: Set<String>, enforce: Bool, budget: ActionBudget,
        drivers: [String: any ProviderDriver], unusable: [String: String] = [:],
        reserve: (@Sendable (Int) async -> Int)? = nil, creator: Creator? = nil
    ) async throws -> Applied {
        let rotating = Set(try store.unfinishedRotations().map(\.reference))
        let failedAt = try store.recentlyFailedRotations(since: clock().addingTimeInterval(-Self.rotationRetryDelay))
        let current = decisions.filter { !rotating.contains($0.token.reference) }
        var handling: [String: Handling] = [:]
        var writes: [Decision] = []
        for decision in current {
            if decision.action == .notify {
                handling[decision.token.reference] = .notify
            } else if decision.hold != nil {
                handling[decision.token.reference] = .held
            } else if !enforce {
                handling[decision.token.reference] = .report
            } else if decision.action == .rotate, failedAt[decision.token.reference] != nil {
                handling[decision.token.reference] = .waiting
            } else {
                writes.append(decision)
            }
        }
        var (within, beyond) = budget.split(writes)
        if let reserve, !within.isEmpty {
            let granted = max(0, min(within.count, await reserve(within.count)))
            for decision in within[granted...] {
                beyond.append((decision, "[daemon] max_actions_per_cycle = \(budget.total), shared by all providers within one poll_interval"))
            }
            within.removeSubrange(granted...)
        }
        var limits: [String: String] = [:]
        for (decision, limit) in beyond {
            handling[decision.token.reference] = .deferred
            limits[decision.token.reference] = limit
        }
        var facts: [String: String] = [:]
        for decision in current {
            if let how = handling[decision.token.reference] { facts[decision.token.reference] = decision.factsKey + "|" + how.rawValue }
        }
        let remembered = try store.rememberDecisions(facts, providers: providers, at: clock(), limit: reportsPerCycle)
        let fresh = remembered.fresh

        var events: [LifecycleEvent] = []
        var audited: [AuditedAction] = []
        let sharing = Dictionary(grouping: current.filter { $0.hold == .sharedDestination }, by: \.rule).mapValues { $0.map(\.token.reference) }
        let destinations = Dictionary(rules.map { ($0.name, $0.delivery?.destination ?? "its destination") }, uniquingKeysWith: { first, _ in first })
        for decision in current where fresh.contains(decision.token.reference) {
            guard let how = handling[decision.token.reference] else { continue }
            let (event, action) = report(
                decision, how, enforce: enforce, limit: limits[decision.token.reference],
                failedAt: failedAt[decision.token.reference],
                sharedWith: (sharing[decision.rule] ?? []).filter { $0 != decision.token.reference },
                destination: destinations[decision.rule] ?? "its destination")
            events.append(event)
            audited.append(action)
        }
        try store.recordActions(audited)
        if remembered.pending > 0 {
            events.append(
                LifecycleEvent(
                    .reportsPending, .notice,
                    message:
                        "\(remembered.pending) more decisions to report; they follow, \(reportsPerCycle) per cycle "
                        + "(`tokenwarden plan --all` lists every decision now)"))
        }
        if !beyond.isEmpty {
            events.append(
                LifecycleEvent(
                    .limitReached, .critical,
                    message:
                        "\(writes.count) revokes and rotations were due but the blast-radius limit allows \(within.count) this cycle; "
                        + "\(beyond.count) held back (\(beyond.prefix(5).map { $0.decision.token.reference }.joined(separator: ", "))\(beyond.count > 5 ? ", …" : "")). "
                        + "Check the rules and the provider before raising max_actions_per_cycle: this many at once is usually a bug, not policy"))
        }
        events += try await write(within, rules: rules, drivers: drivers, unusable: unusable, creator: creator)
        return Applied(events: events, writes: within.count)
    }

    /// Resumes every unfinished rotation of `drivers`' providers (after a restart, or when an overlap ends).
    /// The store is not trusted to say where a secret goes or whether to act: a delivery still to come
    /// must be what the current policy's rule says (rebuilt by rule name), a rotation begun by policy
    /// moves on only while enforcement is on, and anything else is undone before it delivers.
    public func resumeRotations(drivers: [String: any ProviderDriver], rules: [Rule], enforce: Bool) async throws -> [LifecycleEvent] {
        let unfinished = try store.unfinishedRotations().filter { drivers[$0.provider] != nil }
        guard !unfinished.isEmpty else { return [] }
        guard let lock = try await RotationLock.acquire(spool: spool) else {
            return [
                LifecycleEvent(
                    .rotationStalled, .notice,
                    message:
                        "another rotation is running (another provider's cycle, or an admin's `tokenwarden rotate`); unfinished rotations are resumed next cycle"
                )
            ]
        }
        defer { withExtendedLifetime(lock) {} }
        var events: [LifecycleEvent] = []
        for record in unfinished {
            guard let driver = drivers[record.provider] else { continue }
            if record.mode == .enforce && !enforce {
                try store.noteRotationDelay(
                    record.id, at: clock(),
                    reason: "enforcement is off ([daemon] enforce = false): this rotation, begun by policy, "
                        + "waits; turn enforcement on, or finish it with `tokenwarden rotate \(record.reference)`")
                continue
            }
            if let refusal = try deliveryRefusal(record, rules: rules) {
                let undone = try store.advanceRotation(
                    record.id, to: .compensating, at: clock(), detail: "not delivering: \(refusal)",
                    failure: "not delivering the new secret: \(refusal); the new token is revoked undelivered")
                events.append(try Self.event(for: try await rotator.resume(undone, driver: driver), store: store))
                continue
            }
            let after = try await rotator.resume(record, driver: driver)
            // A rotation quietly waiting out its overlap says nothing; any step or stall is reported.
            if after.state != record.state || after.failure != nil { events.append(try Self.event(for: after, store: store)) }
        }
        return events
    }

    /// Why a stored rotation's pending delivery must not be made, or nil: it must be the current
    /// policy's delivery for its rule (an admin's `rotate` without a rule delivers only to a file).
    private func deliveryRefusal(_ record: RotationRecord, rules: [Rule]) throws -> String? {
        guard record.state == .planned || record.state == .created else { return nil }
        guard let name = record.rule else {
            if case .file = record.delivery.target { return nil }
            return "a rotation without a rule delivers only to a file, and this one names \(record.delivery)"
        }
        guard let rule = rules.first(where: { $0.name == name }), let delivery = rule.delivery,
            let token = try store.token(provider: record.provider, id: record.tokenID)
        else {
            return "rule \(name) is no longer in the policy"
        }
        let expected = delivery.resolved(for: token)
        return expected == record.delivery ? nil : "the stored delivery (\(record.delivery)) is not what rule \(name) says now (\(expected))"
    }

    /// The event of a reported decision and its audit record (written with the cycle's others).
    private func report(
        _ decision: Decision, _ how: Handling, enforce: Bool, limit: String?, failedAt: Date?,
        sharedWith: [String], destination: String
    ) -> (LifecycleEvent, AuditedAction) {
        let token = decision.token
        let mode: ActionMode = enforce ? .enforce : .report
        var audited = AuditedAction(
            provider: token.provider, tokenID: token.id, occurredAt: clock(), rule: decision.rule,
            action: decision.action, mode: mode, outcome: .skipped, reason: decision.reason)
        let event: LifecycleEvent
        switch how {
        case .notify:
            audited.outcome = .succeeded
            event = LifecycleEvent(
                .notified, token.state == .expired ? .warning : .notice, token: token, rule: decision.rule, action: .notify,
                message: "\(token.reference) \"\(token.name)\": \(decision.reason)")
        case .held where decision.hold == .ownCredential:
            audited.error = "held: this is the credential tokenwarden itself signs in with"
            event = LifecycleEvent(
                .heldOwnCredential, .warning, token: token, rule: decision.rule, action: decision.action,
                message:
                    "not \(Self.verb(decision.action)) \(token.reference) \"\(token.name)\", tokenwarden's own credential: \(decision.reason); replace it by hand and update the credential file"
            )
        case .held where decision.hold == .sharedDestination:
            audited.error = "held: rule \(decision.rule) delivers every token it selects to one \(destination)"
            let others =
                sharedWith.isEmpty
                ? "other live tokens it selects" : sharedWith.prefix(5).joined(separator: ", ") + (sharedWith.count > 5 ? ", …" : "")
            event = LifecycleEvent(
                .needsPerson, .error, token: token, rule: decision.rule, action: .rotate,
                message: "not rotating \(token.reference) \"\(token.name)\": rule \(decision.rule) would deliver it to \(destination), "
                    + "which also serves \(others); each successor would overwrite the other's secret and the rest would be delivered nowhere. "
                    + "Narrow the rule (match.owner, match.provider) to one token, or deliver with a command naming \(Delivery.tokenPlaceholder)")
        case .held where decision.hold == .ownerCredentialMissing:
            audited.error = "held: tokenwarden holds no credential of the token's owner"
            event = LifecycleEvent(
                .needsPerson, .warning, token: token, rule: decision.rule, action: decision.action,
                message: "not rotating \(token.reference) \"\(token.name)\" (\(decision.reason)): \(RotationSigners.missingCredential(for: token))")
        case .held:
            audited.error = "held: \(token.provider) has no API to \(decision.action.rawValue) tokens; a person must do it"
            event = LifecycleEvent(
                .needsPerson, .warning, token: token, rule: decision.rule, action: decision.action,
                message:
                    "\(token.reference) \"\(token.name)\" should be \(Self.verb(decision.action)) (\(decision.reason)), but the provider has no API for it: a person must \(decision.action.rawValue) it in the provider's web interface"
            )
        case .report:
            event = LifecycleEvent(
                .wouldAct, .notice, token: token, rule: decision.rule, action: decision.action,
                message:
                    "would \(decision.action.rawValue) \(token.reference) \"\(token.name)\": \(decision.reason) (report-only: [daemon] enforce = false)"
            )
        case .deferred:
            audited.error = "held back by the blast-radius limit (\(limit ?? "max_actions_per_cycle"))"
            event = LifecycleEvent(
                .deferred, .warning, token: token, rule: decision.rule, action: decision.action,
                message:
                    "not \(Self.verb(decision.action)) \(token.reference) \"\(token.name)\" this cycle: beyond \(limit ?? "the blast-radius limit") (\(decision.reason))"
            )
        case .waiting:
            let failed = failedAt ?? clock()
            let retry = ProviderTimestamp.format(failed.addingTimeInterval(Self.rotationRetryDelay))
            audited.error = "the last rotation failed at \(ProviderTimestamp.format(failed)); not tried again before \(retry)"
            event = LifecycleEvent(
                .deferred, .warning, token: token, rule: decision.rule, action: .rotate,
                message: "not rotating \(token.reference) \"\(token.name)\" again before \(retry): its last rotation failed "
                    + "(`tokenwarden history \(token.reference)` says why; `tokenwarden rotate \(token.reference)` tries now)")
        case .write:
            preconditionFailure("writes are carried out, not reported")
        }
        return (event, audited)
    }

    private func write(
        _ decisions: [Decision], rules: [Rule], drivers: [String: any ProviderDriver],
        unusable: [String: String], creator: Creator?
    ) async throws -> [LifecycleEvent] {
        guard !decisions.isEmpty else { return [] }
        let byName = Dictionary(rules.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var lock: RotationLock?
        var events: [LifecycleEvent] = []
        for decision in decisions {
            let token = decision.token
            guard let driver = drivers[token.provider] else {
                let reason = unusable[token.provider] ?? "the provider is not configured"
                try store.recordAction(
                    AuditedAction(
                        provider: token.provider, tokenID: token.id, occurredAt: clock(), rule: decision.rule,
                        action: decision.action, mode: .enforce, outcome: .failed, reason: decision.reason, error: reason))
                events.append(
                    LifecycleEvent(
                        decision.action == .revoke ? .revokeFailed : .rotationFailed, .error, token: token, rule: decision.rule,
                        action: decision.action, message: "cannot \(decision.action.rawValue) \(token.reference): \(reason)"))
                continue
            }
            switch decision.action {
            case .revoke:
                let outcome = try await TokenRevoker(store: store, clock: clock).revoke(
                    token, with: driver, mode: .enforce, rule: decision.rule, reason: decision.reason)
                events.append(Self.event(for: outcome, token: token, rule: decision.rule))
            case .rotate:
                guard let rule = byName[decision.rule], let delivery = rule.delivery else { continue }
                if lock == nil { lock = try await RotationLock.acquire(spool: spool, patience: .seconds(30)) }
                guard lock != nil else {
                    events.append(
                        LifecycleEvent(
                            .deferred, .warning, token: token, rule: rule.name, action: .rotate,
                            message: "not rotating \(token.reference) this cycle: another rotation has been running for 30 seconds"))
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
                    events.append(
                        LifecycleEvent(
                            .rotationFailed, .error, token: token, rule: rule.name, action: .rotate,
                            message: "cannot rotate \(token.reference): the credential of its owner \(token.owner ?? "?") cannot be used: \(error)"))
                    continue
                }
                do {
                    let record = try await rotator.rotate(
                        token, delivery: delivery.resolved(for: token), overlap: rule.overlap ?? Rule.defaultOverlap, rule: rule.name,
                        mode: .enforce, reason: decision.reason, driver: driver, creator: signer)
                    events.append(try Self.event(for: record, store: store))
                } catch let error as StoreError {
                    // An admin's `tokenwarden rotate` of the same token got there first.
                    guard case .rotationInProgress = error else { throw error }
                    events.append(LifecycleEvent(.deferred, .notice, token: token, rule: rule.name, action: .rotate, message: error.description))
                }
            case .notify:
                continue
            }
        }
        withExtendedLifetime(lock) {}
        return events
    }

    /// The event that tells how a revoke ended.
    public static func event(for outcome: TokenRevoker.Outcome, token: Token, rule: String?) -> LifecycleEvent {
        switch outcome {
        case .revoked:
            LifecycleEvent(.revoked, .notice, token: token, rule: rule, action: .revoke, message: "revoked \(token.reference) \"\(token.name)\"")
        case .alreadyGone:
            LifecycleEvent(
                .revoked, .notice, token: token, rule: rule, action: .revoke,
                message: "\(token.reference) \"\(token.name)\" was already gone at the provider")
        case .failed(let reason):
            LifecycleEvent(
                .revokeFailed, .error, token: token, rule: rule, action: .revoke,
                message: "revoking \(token.reference) \"\(token.name)\" failed, retried next cycle: \(reason)")
        }
    }

    /// The event that tells where a rotation stands after it was carried as far as it could go.
    public static func event(for record: RotationRecord, store: TokenStore) throws -> LifecycleEvent {
        let token = try store.token(provider: record.provider, id: record.tokenID)
        let name = token.map { "\(record.reference) \"\($0.name)\"" } ?? record.reference
        let new = "\(record.newTokenID ?? "?") (\(record.newSecretFingerprint ?? "no fingerprint"))"
        switch record.state {
        case .done:
            return LifecycleEvent(
                .rotated, .notice, token: token, rule: record.rule, action: .rotate,
                message: "rotated \(name): new token \(new) delivered to \(record.delivery); the old token is revoked")
        case .delivered:
            let after = record.revokeOldAfter.map(ProviderTimestamp.format) ?? "the overlap"
            return LifecycleEvent(
                .rotationDelivered, .notice, token: token, rule: record.rule, action: .rotate,
                message: "rotating \(name): new token \(new) delivered to \(record.delivery); the old token is revoked after \(after)"
                    + (record.failure.map { " (last attempt: \($0))" } ?? ""))
        case .failed:
            return LifecycleEvent(
                .rotationFailed, .error, token: token, rule: record.rule, action: .rotate,
                message: "rotation of \(name) failed: \(record.failure ?? "unknown reason"); the old token is untouched")
        case .planned, .created, .compensating, .oldRevoked:
            return LifecycleEvent(
                .rotationStalled, .warning, token: token, rule: record.rule, action: .rotate,
                message: "rotation of \(name) is \(record.state.rawValue) and will be resumed next cycle: \(record.failure ?? "waiting")")
        }
    }

    static func verb(_ action: RuleAction) -> String {
        switch action {
        case .notify: "notified"
        case .rotate: "rotated"
        case .revoke: "revoked"
        }
    }
}
