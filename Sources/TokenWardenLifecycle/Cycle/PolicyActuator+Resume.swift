import Foundation
import TokenWardenCore
import TokenWardenJournal
import TokenWardenStore

/// Unfinished rotations: carried on each cycle, after a restart or once an overlap ends.
extension PolicyActuator {
    /// Resumes every unfinished rotation of `setup`'s providers (after a restart, or when an overlap ends).
    /// The store is not trusted to say where a secret goes or whether to act: a delivery still to come
    /// must be what the current policy's rule says (rebuilt by rule name), a rotation begun by policy
    /// moves on only while enforcement is on, and anything else is undone before it delivers.
    public func resumeRotations(setup: CycleSetup) async throws -> [JournalEvent] {
        let (drivers, rules, enforce) = (setup.writable, setup.context.policies.rules, setup.configuration.daemon.enforce)
        let unfinished = try store.unfinishedRotations().filter { drivers[$0.provider] != nil }
        guard !unfinished.isEmpty else { return [] }
        let rotator = setup.rotationStarter(store: store, now: now).rotator
        guard let lock = try await RotationLock.acquire(spool: rotator.spool) else {
            return [.rotationLockBusy]
        }
        defer { withExtendedLifetime(lock) {} }
        var events: [JournalEvent] = []
        let gaveUp = try store.gaveUpWrites()
        for record in unfinished {
            // Read for each: a pause given while earlier rotations were carried applies to the rest.
            let paused = try store.pauses(at: now())
            guard let driver = drivers[record.provider] else { continue }
            // Left for a person until `tokenwarden retry`: nothing is tried, nothing repeated in the journal.
            if gaveUp[record.reference] != nil { continue }
            // Paused: nothing is created, delivered or revoked; the rotation goes on after `resume`.
            if let pause = Pause.holding(record.provider, in: paused, at: now()) {
                let reason = "waits: \(pause.description) (`tokenwarden resume` lets it go on)"
                if record.failure != reason { try store.noteRotationDelay(record.id, at: now(), reason: reason) }
                continue
            }
            if record.mode == .enforce && !enforce {
                try store.noteRotationDelay(
                    record.id, at: now(),
                    reason: "enforcement is off ([daemon] enforce = false): this rotation, begun by policy, "
                        + "waits; turn enforcement on, or finish it with `tokenwarden rotate \(record.reference)`")
                continue
            }
            if let refusal = try deliveryRefusal(record, rules: rules, protected: setup.context.protected) {
                let undone = try store.advanceRotation(
                    record.id, to: .compensating, at: now(), detail: "not delivering: \(refusal)",
                    failure: "not delivering the new secret: \(refusal); the new token is revoked undelivered")
                events.append(try event(for: try await rotator.resume(undone, driver: driver)))
                continue
            }
            let after = try await rotator.resume(record, driver: driver)
            if after.stalledAt != nil, record.stalledAt == nil {
                // One alert to `[daemon] alert_to` (the cycle's events at error) and one to the rule's `notify.to`.
                let stalled = JournalEvent.switchOverStalled(after, token: try store.token(provider: after.provider, id: after.tokenID))
                events.append(stalled)
                if let notifyTo = rules.first(where: { $0.name == after.rule })?.notifyTo, !notifyTo.isEmpty {
                    try store.queue(OutboxMessage.alerts([stalled], to: notifyTo, at: now()))
                }
                continue
            }
            // A rotation quietly waiting out its overlap (or, once said, a stalled switch-over) says
            // nothing; any step or failure is reported.
            if after.state != record.state || (after.failure != nil && after.stalledAt == nil) {
                events.append(try event(for: after))
            }
        }
        return events
    }

    /// Why a stored rotation's pending delivery must not be made, or nil: it must be the current
    /// policy's delivery for its rule (an admin's `rotate` without a rule delivers only to a file),
    /// and only a token of tokenwarden's own (`protected`: the one it signs in with, or the one a
    /// stored successor replaced) becomes its own credential.
    func deliveryRefusal(_ record: RotationRecord, rules: [Rule], protected: Set<String>) throws -> String? {
        guard record.state == .planned || record.state == .created else { return nil }
        guard let name = record.rule else {
            switch record.delivery.target {
            case .file: return nil
            case .ownCredential(let provider):
                if provider == record.provider, protected.contains(record.reference) { return nil }
                return "\(record.reference) is not the token tokenwarden signs in to \(provider) with, so its successor cannot become that credential"
            case .command: break
            }
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

    /// Where a rotation stands, named with its old token's stored facts.
    func event(for record: RotationRecord) throws -> JournalEvent {
        .rotation(record, token: try store.token(provider: record.provider, id: record.tokenID))
    }
}
