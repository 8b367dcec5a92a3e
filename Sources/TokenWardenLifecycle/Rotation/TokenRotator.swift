import Foundation
import TokenWardenCore
import TokenWardenProviders
import TokenWardenStore

/// Rotates a token as a journaled state machine: planned → created → delivered → (overlap) →
/// old revoked → done, or compensating → failed with the new token revoked and the old one untouched.
/// Every transition is committed before the next external call, so after a crash at any point
/// `resume` either finishes the rotation or undoes it: no orphaned token, no secret delivered for a
/// dead token, and never two live tokens past the overlap.
public struct TokenRotator: Sendable {
    let store: TokenStore
    public let spool: SecretSpool
    let deliverer: SecretDeliverer
    let now: @Sendable () -> Date
    /// How long after a rotation started a create whose answer never came may still land at the
    /// provider: until then, finding no new token proves nothing (`HTTPPolicy.createSettles`).
    let createSettles: TimeInterval
    /// `[daemon] give_up_after`: failed steps in a row after which a token's rotation is left for a person.
    let giveUpAfter: Int
    /// Delivers, undoes and settles rotations of tokenwarden's own credential (nil: it makes none).
    let keeper: OwnCredentialKeeper?

    /// How long before a rotation started a token the provider says it created may have been made by
    /// it (clocks differ); older same-named tokens are never taken for tokenwarden's own.
    static let clockSlack: TimeInterval = 300

    public init(
        store: TokenStore, spool: SecretSpool, deliverer: SecretDeliverer = SecretDeliverer(),
        createSettles: TimeInterval, giveUpAfter: Int = DaemonSettings.defaultGiveUpAfter, keeper: OwnCredentialKeeper? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.giveUpAfter = giveUpAfter
        self.keeper = keeper
        self.store = store
        self.spool = spool
        self.deliverer = deliverer
        self.createSettles = createSettles
        self.now = now
    }

    /// Starts a rotation of `token` and carries it as far as it can go now: with an overlap, it stops at
    /// `delivered` and a later `resume` revokes the old token once the overlap has passed.
    /// `creator` signs in as the token's owner and creates the successor (a provider creates tokens
    /// only for whoever signs in); `driver`, the provider's main credential, lists and revokes.
    public func rotate(
        _ token: Token, delivery: Delivery, overlap: TimeSpan, switchOver: SwitchOver = .afterOverlap, rule: String?, mode: ActionMode,
        reason: String, actorUID: UInt32? = nil, driver: any ProviderDriver, creator: any ProviderDriver
    ) async throws -> RotationRecord {
        let now = now()
        let record = try store.beginRotation(
            of: token, rule: rule, mode: mode, delivery: delivery, overlap: overlap, reason: reason,
            successorName: try store.successorName(for: token, kind: driver.kind, at: now), switchOver: switchOver, actorUID: actorUID,
            at: now)
        let (created, secret) = try await create(record, token: token, driver: driver, creator: creator)
        return try await carry(created, token: token, secret: secret, driver: driver)
    }

    /// Carries an unfinished rotation found in the store (after a restart, or waiting for its overlap)
    /// forward: finishing it, undoing it, or leaving it for the next cycle when the provider is down.
    public func resume(_ record: RotationRecord, driver: any ProviderDriver) async throws -> RotationRecord {
        guard let token = try store.token(provider: record.provider, id: record.tokenID) else {
            return try store.advanceRotation(
                record.id, to: .failed, at: now(), detail: "the old token is no longer in the inventory",
                failure: "the old token \(record.reference) is no longer in the inventory")
        }
        var record = record
        if record.state == .planned {
            record = try await sweep(
                record, token: token, driver: driver,
                because: "the create's outcome was never recorded (tokenwarden stopped, or its answer never came)", interrupted: true)
        }
        return try await carry(record, token: token, secret: nil, driver: driver)
    }

    /// `tokenwarden rotate --finish`: an admin revokes the old token of a delivered rotation by hand,
    /// without waiting for its overlap or for the successor's first use. Audited with who did it.
    public func finish(_ record: RotationRecord, token: Token, driver: any ProviderDriver, by admin: String) async throws -> RotationRecord {
        guard record.state == .delivered else { return record }
        let driver = try revokingDriver(for: record, main: driver)
        let result = try await driver.revoke(tokenID: record.tokenID)
        if case .ownCredential = record.delivery.target {
            try? keeper?.forgetPrevious(provider: record.provider, oldTokenID: record.tokenID)
        }
        let detail = result == .alreadyGone ? "the old token was already gone" : "the old token was revoked"
        try store.markRevoked(
            provider: record.provider, tokenID: record.tokenID, at: now(),
            detail: "replaced by \(record.newTokenID ?? "?") in a rotation finished by \(admin)")
        try store.advanceRotation(record.id, to: .oldRevoked, at: now(), detail: "\(detail) by hand: finished by \(admin) with `rotate --finish`")
        let done = try store.advanceRotation(record.id, to: .done, at: now(), detail: "rotation complete")
        try store.clearWriteFailures(provider: record.provider, tokenID: record.tokenID)
        return done
    }

    /// From `created` onwards: deliver, wait out the overlap, revoke the old token, or compensate.
    func carry(_ start: RotationRecord, token: Token, secret: Secret?, driver: any ProviderDriver) async throws -> RotationRecord {
        var record = start
        var secret = secret
        while true {
            switch record.state {
            case .planned, .done, .failed:
                if record.state.isFinished {
                    spool.remove(rotation: record.id)
                    try settle(record)
                }
                return record
            case .created:
                record = try await deliver(record, token: token, secret: secret ?? spool.read(rotation: record.id))
                secret = nil
            case .compensating:
                spool.remove(rotation: record.id)
                let next = try await compensate(record, driver: driver)
                if next.state == .compensating { return next }
                record = next
            case .delivered:
                spool.remove(rotation: record.id)
                let next = try await revokeOld(record, token: token, driver: driver)
                if next.state == .delivered { return next }
                record = next
            case .oldRevoked:
                record = try store.advanceRotation(record.id, to: .done, at: now(), detail: "rotation complete")
            }
        }
    }

    func deliver(_ record: RotationRecord, token: Token, secret: Secret?) async throws -> RotationRecord {
        guard let secret, SecretFingerprint.of(secret) == record.newSecretFingerprint, let newID = record.newTokenID else {
            return try store.advanceRotation(
                record.id, to: .compensating, at: now(), detail: "the new secret was lost before delivery",
                failure: "tokenwarden stopped after creating the new token and before it could hold its secret; nothing was delivered",
                interrupted: true)
        }
        let facts = SecretDeliverer.Facts(
            provider: record.provider, tokenName: token.name, oldTokenID: token.id, newTokenID: newID,
            fingerprint: record.newSecretFingerprint ?? "", rule: record.rule)
        let warnings: [String]
        do {
            if case .ownCredential = record.delivery.target {
                guard let keeper else { throw DeliveryError("this command does not keep tokenwarden's own credential; the daemon does") }
                warnings = try await keeper.keep(secret, newTokenID: newID, provider: record.provider)
            } else {
                warnings = try await deliverer.deliver(secret, as: record.delivery, facts: facts)
            }
        } catch {
            spool.remove(rotation: record.id)
            return try store.advanceRotation(
                record.id, to: .compensating, at: now(), detail: "delivery failed",
                failure: "delivering the new secret to \(record.delivery) failed: \(error)")
        }
        CrashPoint.afterDeliver.pass()
        let now = now()
        let next = try store.advanceRotation(
            record.id, to: .delivered, at: now,
            detail: "delivered to \(record.delivery); the old token stays valid for \(record.overlap)"
                + warnings.map { " (warning: \($0))" }.joined(),
            revokeOldAfter: now.addingTimeInterval(record.overlap.timeInterval))
        spool.remove(rotation: record.id)
        CrashPoint.afterDelivered.pass()
        return next
    }

    /// compensating → failed: the undelivered new token is revoked; the old one is never touched.
    func compensate(_ record: RotationRecord, driver: any ProviderDriver) async throws -> RotationRecord {
        guard let newID = record.newTokenID else {
            return try store.advanceRotation(record.id, to: .failed, at: now(), detail: "no new token to revoke", failure: record.failure)
        }
        do {
            // tokenwarden's own successor is given up before it is revoked, so nothing signs in with it after.
            if case .ownCredential = record.delivery.target { try keeper?.undo(newTokenID: newID, provider: record.provider) }
            let result = try await driver.revoke(tokenID: newID)
            let detail = result == .alreadyGone ? "the new token \(newID) was already gone" : "the new token \(newID) was revoked"
            return try store.advanceRotation(
                record.id, to: .failed, at: now(), detail: detail + "; the old token is untouched",
                failure: record.failure)
        } catch {
            try stepFailed(
                record,
                (record.failure.map { $0 + "; " } ?? "") + "revoking the undelivered new token \(newID) failed, retried next cycle: \(error)")
            return try store.rotation(id: record.id) ?? record
        }
    }

    /// delivered → old revoked once the overlap has passed (and, with `when-successor-used`, once the
    /// provider reported a use of the successor after its delivery); before that, or while the
    /// provider fails, it waits. A successor unused at the deadline stalls the rotation: noted once,
    /// the old token kept valid, and still revoked later if the successor is used after all.
    func revokeOld(_ record: RotationRecord, token: Token, driver: any ProviderDriver) async throws -> RotationRecord {
        // Compared in whole milliseconds, the precision the store keeps instants at.
        let now = now()
        guard let due = record.revokeOldAfter, now.millisecondsSince1970 >= due.millisecondsSince1970 else { return record }
        if case .whenSuccessorUsed(let deadline) = record.switchOver {
            let delivered = record.deliveredAt ?? due
            let successor = try record.newTokenID.flatMap { try store.token(provider: record.provider, id: $0) }
            guard let used = successor?.lastUsedAt, used.millisecondsSince1970 > delivered.millisecondsSince1970 else {
                if record.stalledAt == nil, now.timeIntervalSince(delivered) >= deadline.timeInterval {
                    try store.markSwitchOverStalled(
                        record.id, at: now,
                        reason: "the consumer of \(token.name) still uses the old token: the provider reports no use of the new token "
                            + "\(record.newTokenID ?? "?") in the \(deadline) since its delivery; the old token stays valid "
                            + "(`tokenwarden rotate --finish \(record.reference)` revokes it by hand)")
                    return try store.rotation(id: record.id) ?? record
                }
                return record
            }
        }
        let revoker: any ProviderDriver
        do {
            revoker = try revokingDriver(for: record, main: driver)
        } catch {
            try stepFailed(record, "not revoking the old token yet: \(error)")
            return try store.rotation(id: record.id) ?? record
        }
        do {
            let result = try await revoker.revoke(tokenID: record.tokenID)
            CrashPoint.afterRevokeOld.pass()
            let detail = result == .alreadyGone ? "the old token was already gone" : "the old token was revoked"
            try store.markRevoked(
                provider: record.provider, tokenID: record.tokenID, at: self.now(), detail: "replaced by \(record.newTokenID ?? "?") in a rotation")
            // Its secret, kept in case the rotation had to be undone, is of no use now; a failure to
            // drop it is retried at the next own-credential rotation.
            if case .ownCredential = record.delivery.target {
                try? keeper?.forgetPrevious(provider: record.provider, oldTokenID: record.tokenID)
            }
            return try store.advanceRotation(record.id, to: .oldRevoked, at: self.now(), detail: detail)
        } catch {
            try stepFailed(record, "revoking the old token failed, retried next cycle: \(error)")
            return try store.rotation(id: record.id) ?? record
        }
    }

    /// The driver that revokes `record`'s old token: `main`, but for tokenwarden's own credential a
    /// driver signed in with the successor, and only while that is the credential in use: otherwise
    /// the old token may still be what tokenwarden signs in with, and it is kept.
    func revokingDriver(for record: RotationRecord, main: any ProviderDriver) throws -> any ProviderDriver {
        guard case .ownCredential = record.delivery.target else { return main }
        guard let keeper else { throw DeliveryError("only a command that reads the state directory's own credentials may do this") }
        return try keeper.successorDriver(newTokenID: record.newTokenID ?? "", provider: record.provider)
    }

    /// A rotation ended: a success ends its token's run of failed writes; a failure the provider
    /// answered for adds to it (an interrupted one does not: tokenwarden's own stop is no reason to
    /// give up).
    func settle(_ record: RotationRecord) throws {
        if record.state == .done {
            try store.clearWriteFailures(provider: record.provider, tokenID: record.tokenID)
        } else if !record.interrupted {
            try store.noteWriteFailure(
                provider: record.provider, tokenID: record.tokenID, error: "rotation failed: \(record.failure ?? "unknown reason")",
                at: now(), giveUpAfter: giveUpAfter)
        }
    }

    /// A step of an unfinished rotation failed; it is retried next cycle until `giveUpAfter` in a row.
    func stepFailed(_ record: RotationRecord, _ reason: String) throws {
        try store.noteRotationDelay(record.id, at: now(), reason: reason)
        try store.noteWriteFailure(provider: record.provider, tokenID: record.tokenID, error: reason, at: now(), giveUpAfter: giveUpAfter)
    }
}
