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
    let spool: SecretSpool
    let deliverer: SecretDeliverer
    let clock: @Sendable () -> Date
    /// How long after a rotation started a create whose answer never came may still land at the
    /// provider: until then, finding no new token proves nothing (`HTTPPolicy.createSettles`).
    let createSettles: TimeInterval
    /// `[daemon] give_up_after`: failed steps in a row after which a token's rotation is left for a person.
    let giveUpAfter: Int

    /// How long before a rotation started a token the provider says it created may have been made by
    /// it (clocks differ); older same-named tokens are never taken for tokenwarden's own.
    static let clockSlack: TimeInterval = 300

    public init(
        store: TokenStore, spool: SecretSpool, deliverer: SecretDeliverer = SecretDeliverer(),
        createSettles: TimeInterval, giveUpAfter: Int = DaemonSettings.defaultGiveUpAfter, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.giveUpAfter = giveUpAfter
        self.store = store
        self.spool = spool
        self.deliverer = deliverer
        self.createSettles = createSettles
        self.clock = clock
    }

    /// Starts a rotation of `token` and carries it as far as it can go now: with an overlap, it stops at
    /// `delivered` and a later `resume` revokes the old token once the overlap has passed.
    /// `creator` signs in as the token's owner and creates the successor (a provider creates tokens
    /// only for whoever signs in); `driver`, the provider's main credential, lists and revokes.
    public func rotate(
        _ token: Token, delivery: Delivery, overlap: TimeSpan, switchOver: SwitchOver = .afterOverlap, rule: String?, mode: ActionMode,
        reason: String, actorUID: UInt32? = nil, driver: any ProviderDriver, creator: any ProviderDriver
    ) async throws -> RotationRecord {
        let now = clock()
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
                record.id, to: .failed, at: clock(), detail: "the old token is no longer in the inventory",
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
        let result = try await driver.revoke(tokenID: record.tokenID)
        let detail = result == .alreadyGone ? "the old token was already gone" : "the old token was revoked"
        try store.markRevoked(
            provider: record.provider, tokenID: record.tokenID, at: clock(),
            detail: "replaced by \(record.newTokenID ?? "?") in a rotation finished by \(admin)")
        try store.advanceRotation(record.id, to: .oldRevoked, at: clock(), detail: "\(detail) by hand: finished by \(admin) with `rotate --finish`")
        let done = try store.advanceRotation(record.id, to: .done, at: clock(), detail: "rotation complete")
        try store.clearWriteFailures(provider: record.provider, tokenID: record.tokenID)
        return done
    }

    /// From `created` onwards: deliver, wait out the overlap, revoke the old token, or compensate.
    private func carry(_ start: RotationRecord, token: Token, secret: Secret?, driver: any ProviderDriver) async throws -> RotationRecord {
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
                record = try store.advanceRotation(record.id, to: .done, at: clock(), detail: "rotation complete")
            }
        }
    }

    /// planned → created: asks the provider for the successor and commits its id and fingerprint
    /// before the secret is spooled. A failed create may still have made a token, so it is swept for.
    /// The successor must belong to the old token's owner: the signer is checked before the create
    /// where the API says who it is, and the answer after it; a successor of anyone else's is
    /// revoked at once and never delivered.
    private func create(
        _ record: RotationRecord, token: Token, driver: any ProviderDriver,
        creator: any ProviderDriver
    ) async throws -> (RotationRecord, Secret?) {
        CrashPoint.beforeCreate.pass()
        let request: TokenCreation
        do {
            // A target that cannot take the secret would have the new token revoked again at once.
            try deliverer.check(record.delivery)
            request = try token.successorRequest(kind: driver.kind, now: clock(), name: record.newTokenName)
            if let signer = try await creator.identity(), !signer.owns(token) {
                throw Token.SuccessorError(
                    description:
                        "the credential for this rotation signs in as \(signer), not as \(token.owner ?? token.ownerID ?? "the token's owner"), "
                        + "and a provider creates a token only for whoever signs in; check the owner credentials of provider \(token.provider)")
            }
        } catch {
            // Counted like a failed write: a target that stays broken is left for a person, not retried forever.
            if error is DeliveryError {
                try store.noteWriteFailure(
                    provider: record.provider, tokenID: record.tokenID, error: "\(error)", at: clock(), giveUpAfter: giveUpAfter)
            }
            return (
                try store.advanceRotation(
                    record.id, to: .failed, at: clock(), detail: "no new token was created; the old token is untouched",
                    failure: "\(error)"), nil
            )
        }
        let created: CreatedToken
        do {
            try store.markCreateSent(record.id, at: clock())
            created = try await creator.create(request)
        } catch {
            // An answer, even a refusal or a garbled one, means the provider is done with the request;
            // without one (a timeout, a dropped connection) it may still be making the token.
            let answered = (error as? ProviderError).map { $0.kind != .timeout && $0.kind != .connection } ?? false
            // Tried again at the next cycle, but counted: a provider whose creates keep timing out
            // (and may land late) must not be asked for a token every cycle without end.
            if !answered {
                try store.noteWriteFailure(
                    provider: record.provider, tokenID: record.tokenID, error: "creating the new token got no answer: \(error)", at: clock(),
                    giveUpAfter: giveUpAfter)
            }
            return (
                try await sweep(
                    record, token: token, driver: driver, because: "creating the new token failed: \(error)",
                    mayStillLand: !answered, interrupted: !answered), nil
            )
        }
        CrashPoint.afterCreate.pass()
        let fingerprint = SecretFingerprint.of(created.secret)
        let notes = (created.adjustments + Self.shortening(requested: request, created: created)).map { "; \($0)" }.joined()
        var next = try store.advanceRotation(
            record.id, to: .created, at: clock(), detail: "new token \(created.id) created (\(fingerprint))\(notes)",
            newTokenID: created.id, fingerprint: fingerprint)
        CrashPoint.afterCreated.pass()
        guard let owner = created.ownerID, owner == request.ownerID else {
            let said = created.ownerID.map { "belongs to \($0)" } ?? "came without an owner"
            next = try store.advanceRotation(
                record.id, to: .compensating, at: clock(), detail: "the new token \(said), not to the old token's owner",
                failure: "the provider made the new token \(created.id) for \(created.ownerID ?? "an owner it did not name"), "
                    + "not for \(request.ownerID ?? "the old token's owner"); it is revoked undelivered")
            return (next, nil)
        }
        do {
            try spool.write(created.secret, rotation: record.id)
        } catch {
            next = try store.advanceRotation(
                record.id, to: .compensating, at: clock(), detail: "cannot hold the secret for delivery",
                failure: "cannot keep the new secret safe during delivery: \(error)")
            return (next, nil)
        }
        CrashPoint.afterSpool.pass()
        return (next, created.secret)
    }

    /// What the provider gave less of than asked: a shorter lifetime, or an expiry on a token whose
    /// predecessor never expired (a day's difference is rounding, not shortening).
    static func shortening(requested: TokenCreation, created: CreatedToken) -> [String] {
        if requested.neverExpires, let expires = created.expiresAt {
            return ["the old token never expired, but the provider gave the new one an expiry: \(ProviderTimestamp.format(expires))"]
        }
        if let wanted = requested.expiresAt, let got = created.expiresAt, got < wanted.addingTimeInterval(-86_400) {
            return [
                "the new token expires \(ProviderTimestamp.format(got)), earlier than the old token's lifetime asked for "
                    + "(\(ProviderTimestamp.format(wanted)))"
            ]
        }
        return []
    }

    /// created → delivered, or → compensating when the secret is gone or delivery fails.
    private func deliver(_ record: RotationRecord, token: Token, secret: Secret?) async throws -> RotationRecord {
        guard let secret, SecretFingerprint.of(secret) == record.newSecretFingerprint, let newID = record.newTokenID else {
            return try store.advanceRotation(
                record.id, to: .compensating, at: clock(), detail: "the new secret was lost before delivery",
                failure: "tokenwarden stopped after creating the new token and before it could hold its secret; nothing was delivered",
                interrupted: true)
        }
        let facts = SecretDeliverer.Facts(
            provider: record.provider, tokenName: token.name, oldTokenID: token.id, newTokenID: newID,
            fingerprint: record.newSecretFingerprint ?? "", rule: record.rule)
        let warnings: [String]
        do {
            warnings = try await deliverer.deliver(secret, as: record.delivery, facts: facts)
        } catch {
            spool.remove(rotation: record.id)
            return try store.advanceRotation(
                record.id, to: .compensating, at: clock(), detail: "delivery failed",
                failure: "delivering the new secret to \(record.delivery) failed: \(error)")
        }
        CrashPoint.afterDeliver.pass()
        let now = clock()
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
    private func compensate(_ record: RotationRecord, driver: any ProviderDriver) async throws -> RotationRecord {
        guard let newID = record.newTokenID else {
            return try store.advanceRotation(record.id, to: .failed, at: clock(), detail: "no new token to revoke", failure: record.failure)
        }
        do {
            let result = try await driver.revoke(tokenID: newID)
            let detail = result == .alreadyGone ? "the new token \(newID) was already gone" : "the new token \(newID) was revoked"
            return try store.advanceRotation(
                record.id, to: .failed, at: clock(), detail: detail + "; the old token is untouched",
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
    private func revokeOld(_ record: RotationRecord, token: Token, driver: any ProviderDriver) async throws -> RotationRecord {
        // Compared in whole milliseconds, the precision the store keeps instants at.
        let now = clock()
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
        do {
            let result = try await driver.revoke(tokenID: record.tokenID)
            CrashPoint.afterRevokeOld.pass()
            let detail = result == .alreadyGone ? "the old token was already gone" : "the old token was revoked"
            try store.markRevoked(
                provider: record.provider, tokenID: record.tokenID, at: clock(), detail: "replaced by \(record.newTokenID ?? "?") in a rotation")
            return try store.advanceRotation(record.id, to: .oldRevoked, at: clock(), detail: detail)
        } catch {
            try stepFailed(record, "revoking the old token failed, retried next cycle: \(error)")
            return try store.rotation(id: record.id) ?? record
        }
    }

    /// A rotation ended: a success ends its token's run of failed writes; a failure the provider
    /// answered for adds to it (an interrupted one does not: tokenwarden's own stop is no reason to
    /// give up).
    private func settle(_ record: RotationRecord) throws {
        if record.state == .done {
            try store.clearWriteFailures(provider: record.provider, tokenID: record.tokenID)
        } else if !record.interrupted {
            try store.noteWriteFailure(
                provider: record.provider, tokenID: record.tokenID, error: "rotation failed: \(record.failure ?? "unknown reason")",
                at: clock(), giveUpAfter: giveUpAfter)
        }
    }

    /// A step of an unfinished rotation failed; it is retried next cycle until `giveUpAfter` in a row.
    private func stepFailed(_ record: RotationRecord, _ reason: String) throws {
        try store.noteRotationDelay(record.id, at: clock(), reason: reason)
        try store.noteWriteFailure(provider: record.provider, tokenID: record.tokenID, error: reason, at: clock(), giveUpAfter: giveUpAfter)
    }

    /// After a create whose result is unknown: finds the token the provider may have made (the name the
    /// rotation asked for, not in the inventory before the rotation started) and revokes it, or ends the
    /// rotation when there is none. Several candidates cannot be told apart, so a person must choose.
    /// Until `createSettles` has passed since the create was sent, finding none proves nothing (the
    /// create may still be landing on a slow provider): the rotation stays unresolved, swept again
    /// each cycle. A create that was never sent, or that the provider answered, needs no wait. A
    /// candidate must have the old token's name and owner.
    /// `interrupted`: the reason is tokenwarden's own stop (a kill, a crash, its own timeout), so a
    /// rotation concluded here is tried again at the next cycle instead of after the back-off.
    private func sweep(
        _ record: RotationRecord, token: Token, driver: any ProviderDriver, because reason: String,
        mayStillLand: Bool = true, interrupted: Bool = false
    ) async throws -> RotationRecord {
        var candidates: [ObservedToken] = []
        let owner = token.ownerID ?? token.owner
        let name = record.newTokenName ?? token.name
        do {
            for try await page in driver.tokens() {
                for listed in page
                where listed.name == name && listed.id != token.id && !listed.revoked
                    && (owner == nil || (listed.ownerID ?? listed.owner) == owner)
                {
                    if let created = listed.createdAt, created < record.startedAt.addingTimeInterval(-Self.clockSlack) { continue }
                    if try store.tokenKnownBefore(record.startedAt, provider: record.provider, tokenID: listed.id) { continue }
                    candidates.append(listed)
                }
            }
        } catch {
            try stepFailed(record, "\(reason); cannot yet check whether a new token was left behind, retried next cycle: \(error)")
            return try store.rotation(id: record.id) ?? record
        }
        // Current values: the record passed in may predate `markCreateSent`.
        let sentAt = try store.rotation(id: record.id)?.createSentAt
        let settled = !mayStillLand || (sentAt.map { clock().timeIntervalSince($0) >= createSettles } ?? true)
        switch candidates.count {
        case 0 where !settled:
            let until = ProviderTimestamp.format((sentAt ?? record.startedAt).addingTimeInterval(createSettles))
            try store.noteRotationDelay(
                record.id, at: clock(),
                reason: "\(reason); no new token has appeared yet, but the create may still land "
                    + "until \(until): swept again next cycle")
            return try store.rotation(id: record.id) ?? record
        case 0:
            return try store.advanceRotation(
                record.id, to: .failed, at: clock(), detail: "no new token was left behind; the old token is untouched",
                failure: reason, interrupted: interrupted)
        case 1:
            return try store.advanceRotation(
                record.id, to: .compensating, at: clock(),
                detail: "found the new token \(candidates[0].id), whose secret was never delivered",
                newTokenID: candidates[0].id, failure: reason, interrupted: interrupted)
        default:
            let ids = candidates.map(\.id).joined(separator: ", ")
            return try store.advanceRotation(
                record.id, to: .failed, at: clock(), detail: "cannot tell which new token is tokenwarden's",
                failure:
                    "\(reason); \(candidates.count) tokens named \"\(name)\" appeared since the rotation began (\(ids)) and "
                    + "tokenwarden cannot tell which one it made: revoke the one nobody uses by hand; the old token is untouched"
            )
        }
    }
}
