import Foundation
import TokenWardenCore
import TokenWardenProviders
import TokenWardenStore

/// planned → created: the one step that asks a provider for a new token, and what it settles.
extension TokenRotator {
    /// planned → created: asks the provider for the successor and commits its id and fingerprint
    /// before the secret is spooled. A failed create may still have made a token, so it is swept for.
    /// The successor must belong to the old token's owner: the signer is checked before the create
    /// where the API says who it is, and the answer after it; a successor of anyone else's is
    /// revoked at once and never delivered.
    func create(
        _ record: RotationRecord, token: Token, driver: any ProviderDriver,
        creator: any ProviderDriver
    ) async throws -> (RotationRecord, Secret?) {
        CrashPoint.beforeCreate.pass()
        let request: TokenCreation
        do {
            // A target that cannot take the secret would have the new token revoked again at once.
            try deliverer.check(record.delivery)
            request = try token.successorRequest(kind: driver.kind, now: now(), name: record.newTokenName)
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
                    provider: record.provider, tokenID: record.tokenID, error: "\(error)", at: now(), giveUpAfter: giveUpAfter)
            }
            return (
                try store.advanceRotation(
                    record.id, to: .failed, at: now(), detail: "no new token was created; the old token is untouched",
                    failure: "\(error)"), nil
            )
        }
        let created: CreatedToken
        do {
            try store.markCreateSent(record.id, at: now())
            created = try await creator.create(request)
        } catch {
            // An answer, even a refusal or a garbled one, means the provider is done with the request;
            // without one (a timeout, a dropped connection) it may still be making the token.
            let answered = (error as? ProviderError).map { $0.kind != .timeout && $0.kind != .connection } ?? false
            // Tried again at the next cycle, but counted: a provider whose creates keep timing out
            // (and may land late) must not be asked for a token every cycle without end.
            if !answered {
                try store.noteWriteFailure(
                    provider: record.provider, tokenID: record.tokenID, error: "creating the new token got no answer: \(error)", at: now(),
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
            record.id, to: .created, at: now(), detail: "new token \(created.id) created (\(fingerprint))\(notes)",
            newTokenID: created.id, fingerprint: fingerprint)
        CrashPoint.afterCreated.pass()
        guard let owner = created.ownerID, owner == request.ownerID else {
            let said = created.ownerID.map { "belongs to \($0)" } ?? "came without an owner"
            next = try store.advanceRotation(
                record.id, to: .compensating, at: now(), detail: "the new token \(said), not to the old token's owner",
                failure: "the provider made the new token \(created.id) for \(created.ownerID ?? "an owner it did not name"), "
                    + "not for \(request.ownerID ?? "the old token's owner"); it is revoked undelivered")
            return (next, nil)
        }
        do {
            try spool.write(created.secret, rotation: record.id)
        } catch {
            next = try store.advanceRotation(
                record.id, to: .compensating, at: now(), detail: "cannot hold the secret for delivery",
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
}
