import Foundation
import TokenWardenCore
import TokenWardenProviders
import TokenWardenStore

/// A create whose outcome is not known: finding, and undoing, a token it may have made.
extension TokenRotator {
    /// After a create whose result is unknown: finds the token the provider may have made (the name the
    /// rotation asked for, not in the inventory before the rotation started) and revokes it, or ends the
    /// rotation when there is none. Several candidates cannot be told apart, so a person must choose.
    /// Until `createSettles` has passed since the create was sent, finding none proves nothing (the
    /// create may still be landing on a slow provider): the rotation stays unresolved, swept again
    /// each cycle. A create that was never sent, or that the provider answered, needs no wait. A
    /// candidate must have the old token's name and owner.
    /// `interrupted`: the reason is tokenwarden's own stop (a kill, a crash, its own timeout), so a
    /// rotation concluded here is tried again at the next cycle instead of after the back-off.
    func sweep(
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
        let settled = !mayStillLand || (sentAt.map { now().timeIntervalSince($0) >= createSettles } ?? true)
        switch candidates.count {
        case 0 where !settled:
            let until = ProviderTimestamp.format((sentAt ?? record.startedAt).addingTimeInterval(createSettles))
            try store.noteRotationDelay(
                record.id, at: now(),
                reason: "\(reason); no new token has appeared yet, but the create may still land "
                    + "until \(until): swept again next cycle")
            return try store.rotation(id: record.id) ?? record
        case 0:
            return try store.advanceRotation(
                record.id, to: .failed, at: now(), detail: "no new token was left behind; the old token is untouched",
                failure: reason, interrupted: interrupted)
        case 1:
            return try store.advanceRotation(
                record.id, to: .compensating, at: now(),
                detail: "found the new token \(candidates[0].id), whose secret was never delivered",
                newTokenID: candidates[0].id, failure: reason, interrupted: interrupted)
        default:
            let ids = candidates.map(\.id).joined(separator: ", ")
            return try store.advanceRotation(
                record.id, to: .failed, at: now(), detail: "cannot tell which new token is tokenwarden's",
                failure:
                    "\(reason); \(candidates.count) tokens named \"\(name)\" appeared since the rotation began (\(ids)) and "
                    + "tokenwarden cannot tell which one it made: revoke the one nobody uses by hand; the old token is untouched"
            )
        }
    }
}
