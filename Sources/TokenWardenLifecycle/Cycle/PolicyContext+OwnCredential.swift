import Foundation
import TokenWardenCore
import TokenWardenStore

extension PolicyContext {
    /// Each provider with `rotate_own_credential` whose own credential the inventory knows to
    /// expire, with when its rotation is due and what holds it: the daemon's cycle acts on the due
    /// ones nothing holds, and `plan` and `status` show the same list.
    public func ownCredentialRotations(store: TokenStore, providers: Set<String>? = nil, now: Date) throws -> [OwnCredentialRotation] {
        // Most configurations have no such key: then a cycle reads nothing for it.
        let keyed = configuration.providers.filter { $0.rotateOwnCredential != nil && providers?.contains($0.id) ?? true }
        guard !keyed.isEmpty else { return [] }
        let records = try store.unfinishedRotations()
        let unfinished = Set(records.map(\.reference))
        // One own-credential rotation at a time per provider: a second would store over the first's
        // successor while the first still has to revoke its old token.
        let ownUnderWay = Set(
            records.compactMap { record -> String? in
                if case .ownCredential(let provider) = record.delivery.target { return provider }
                return nil
            })
        let gaveUp = try store.gaveUpWrites()
        let paused = try store.pauses(at: now)
        let failed = try store.recentlyFailedRotations(since: now.addingTimeInterval(-PolicyActuator.rotationRetryDelay))
        var rotations: [OwnCredentialRotation] = []
        for provider in keyed {
            guard let lead = provider.rotateOwnCredential, let id = ownTokenIDs[provider.id],
                let token = try store.token(provider: provider.id, id: id), token.state == .active,
                var rotation = OwnCredentialRotation(token: token, lead: lead)
            else { continue }
            if unfinished.contains(token.reference) || ownUnderWay.contains(provider.id) {
                rotation.hold = .inProgress
            } else if gaveUp[token.reference] != nil {
                rotation.hold = .gaveUp
            } else if failed[token.reference] != nil {
                rotation.hold = .retryLater
            } else if rotation.lifetimeWithinLead {
                rotation.hold = .lifetimeWithinLead
            } else if Pause.holding(provider.id, in: paused, at: now) != nil {
                rotation.hold = .paused
            } else if !configuration.daemon.enforce {
                rotation.hold = .reportOnly
            }
            rotations.append(rotation)
        }
        return rotations
    }
}
