import Foundation
import TokenWardenConfig
import TokenWardenCore
import TokenWardenProviders

/// The delivery of a successor of tokenwarden's own credential (`rotate_own_credential`): it must
/// sign in before it is kept, and it is kept on the `OwnCredentialShelf`, never handed to anyone.
/// `TokenRotator` calls it at the three steps where an own-credential rotation differs: delivery,
/// undoing a delivery, and the old token's revocation.
public struct OwnCredentialKeeper: Sendable {
    let configuration: Configuration
    let http: ProviderHTTPClient
    let environment: [String: String]
    let now: @Sendable () -> Date

    public init(
        configuration: Configuration, http: ProviderHTTPClient, environment: [String: String], now: @escaping @Sendable () -> Date
    ) {
        self.configuration = configuration
        self.http = http
        self.environment = environment
        self.now = now
    }

    var shelf: OwnCredentialShelf { OwnCredentialShelf(stateDirectory: configuration.daemon.stateDirectory) }

    func provider(_ id: String) throws -> ProviderConfig {
        guard let provider = configuration.provider(id: id) else { throw DeliveryError("provider \(id) is no longer in the configuration") }
        return provider
    }

    /// Signs in with the successor (its first listing page, and who it is where the API says), then
    /// stores it in place of the credential in use, which is kept as `previous` until revoked.
    /// Throws a `DeliveryError` when it cannot sign in: the rotation then revokes it, and the
    /// credential in use stays.
    func keep(_ secret: Secret, newTokenID: String, provider id: String) async throws -> [String] {
        let provider = try provider(id)
        // A credential file is read up to 64 KiB; no provider's secret comes near.
        guard secret.reveal().utf8.count <= 16 << 10 else {
            throw DeliveryError("the new credential is larger than 16 KiB, which no provider's token is; it is not kept")
        }
        let content = provider.kind == .sailPoint ? "\(newTokenID):\(secret.reveal())" : secret.reveal()
        let credential: Credential
        do {
            credential = try Credential(content: content, format: provider.kind.credentialFormat)
        } catch {
            throw DeliveryError("the new credential is not one tokenwarden can sign in with: \(error.description)")
        }
        do {
            let driver = try ProviderDrivers.make(for: provider, credential: credential, http: http)
            _ = try await driver.identity()
            var pages = driver.tokens().makeAsyncIterator()
            _ = try await pages.next()
        } catch {
            throw DeliveryError("signing in to \(provider.id) with the new credential failed: \(error)")
        }
        let main = try MainCredential.resolve(provider, stateDirectory: configuration.daemon.stateDirectory, loader: loader)
        // A delivery repeated after a crash finds its own successor stored already: its `previous` stands.
        let previous =
            main.successor?.tokenID == newTokenID
            ? main.successor?.previous : main.successor.map { OwnCredentialShelf.Entry.Previous(tokenID: $0.tokenID, credential: $0.credential) }
        return try shelf.store(
            OwnCredentialShelf.Entry(
                tokenID: newTokenID, replaces: OwnCredentialShelf.fingerprint(of: main.configured.credential), createdAt: now(),
                credential: credential, previous: previous),
            provider: provider.id)
    }

    /// The successor `newTokenID` is being revoked undelivered: the credential it replaced is put
    /// back (the stored previous one, or none, so the configured one signs in again).
    func undo(newTokenID: String, provider id: String) throws {
        let provider = try provider(id)
        guard let entry = try shelf.entry(of: provider, loader: loader), entry.tokenID == newTokenID else { return }
        if let previous = entry.previous {
            var restored = entry
            restored.tokenID = previous.tokenID
            restored.credential = previous.credential
            restored.previous = nil
            try shelf.store(restored, provider: provider.id)
        } else {
            shelf.remove(provider: provider.id)
        }
    }

    /// A driver signed in with the stored successor `newTokenID`, which must be the credential in
    /// use: what revokes the old token, so tokenwarden never revokes what it still signs in with.
    func successorDriver(newTokenID: String, provider id: String) throws -> any ProviderDriver {
        let provider = try provider(id)
        let main = try MainCredential.resolve(provider, stateDirectory: configuration.daemon.stateDirectory, loader: loader)
        guard let successor = main.successor, successor.tokenID == newTokenID else {
            throw DeliveryError(
                "tokenwarden does not sign in to \(id) with its successor \(newTokenID) but with \(main.summary); the old token, "
                    + "which it may still use, is kept")
        }
        return try ProviderDrivers.make(for: provider, credential: successor.credential, http: http)
    }

    /// The old token `oldTokenID` is revoked: its credential, kept as `previous`, is of no use any
    /// more (a `previous` of another token, from a later rotation, stays).
    func forgetPrevious(provider id: String, oldTokenID: String) throws {
        let provider = try provider(id)
        guard var entry = try shelf.entry(of: provider, loader: loader), entry.previous?.tokenID == oldTokenID else { return }
        entry.previous = nil
        try shelf.store(entry, provider: provider.id)
    }

    var loader: CredentialLoader { CredentialLoader(environment: environment) }
}
