import Foundation
import TokenWardenCore
import TokenWardenJournal
import TokenWardenStore

/// tokenwarden's own credential, watched at each cycle whatever the rules say (`OwnCredentialWatch`).
extension Cycle {
    /// One warning per threshold its own credential at each of `setup`'s providers crossed since the
    /// last, as the inventory knows it after this cycle's polls.
    func ownCredentialWarnings(_ setup: CycleSetup) throws -> [JournalEvent] {
        var events: [JournalEvent] = []
        for provider in setup.providerIDs.sorted() {
            guard let id = setup.context.ownTokenIDs[provider], let token = try store.token(provider: provider, id: id),
                token.state == .active || token.state == .expired, let expires = token.expiresAt,
                let stage = OwnCredentialWatch.stage(expiresAt: expires, now: now())
            else { continue }
            if try store.noteOwnCredentialStage(provider: provider, tokenID: id, expiresAt: expires, stage: stage, at: now()) {
                events.append(.ownCredentialExpiring(token, expiresAt: expires, stage: stage, now: now()))
            }
        }
        return events
    }
}
