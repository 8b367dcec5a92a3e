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
        return events + ignoredSuccessors(setup)
    }

    /// A stored successor that the configured credential this setup signs in with overrides is a
    /// live token nobody uses: one warning per cycle until its file is gone or it is revoked.
    func ignoredSuccessors(_ setup: CycleSetup) -> [JournalEvent] {
        let shelf = OwnCredentialShelf(stateDirectory: setup.configuration.daemon.stateDirectory)
        return setup.drivers.compactMap { ready in
            guard let id = ready.ignoredSuccessor else { return nil }
            if let token = try? store.token(provider: ready.config.id, id: id), token.state == .revoked || token.state == .gone { return nil }
            return .ignoredSuccessor(provider: ready.config.id, tokenID: id, path: shelf.path(of: ready.config.id))
        }
    }

    /// `rotate_own_credential`: each due own credential nothing holds gets a successor, made and
    /// signed in with before it is stored (`OwnCredentialKeeper`); the old one is revoked after
    /// `OwnCredentialRotation.overlap`, by a later cycle's resumed rotation.
    func rotateOwnCredentials(_ setup: CycleSetup) async throws -> [JournalEvent] {
        let due = try setup.context.ownCredentialRotations(store: store, providers: setup.providerIDs, now: now())
            .filter { $0.hold == nil && $0.isDue(at: now()) }
        guard !due.isEmpty else { return [] }
        let starter = setup.rotationStarter(store: store, now: now)
        guard let lock = try await starter.lock() else { return [.rotationLockBusy] }
        defer { withExtendedLifetime(lock) {} }
        var events: [JournalEvent] = []
        for rotation in due {
            let token = rotation.token
            guard let driver = setup.writable[token.provider] else { continue }
            let expires = token.expiresAt.map(ProviderTimestamp.format) ?? "?"
            let record = try await starter.rotate(
                token, delivery: Delivery(target: .ownCredential(provider: token.provider)), overlap: OwnCredentialRotation.overlap,
                rule: nil, mode: .enforce, reason: "rotate_own_credential = \(rotation.lead): tokenwarden's own credential expires \(expires)",
                driver: driver, signer: driver, holding: lock)
            events.append(.rotation(record, token: token))
        }
        return events
    }
}
