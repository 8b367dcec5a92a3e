import Synchronization
import TokenWardenCore

/// Credentials read once, before a command run by root gives up root for the service's user (the
/// `LoadCredential=` sources are root's files, which that user cannot open). A `CredentialLoader`
/// consults it first; only an explicit `preload` fills it, so the daemon, which reads
/// `$CREDENTIALS_DIRECTORY`, never uses it. Holds each credential as the redacting `Credential`.
public final class CredentialVault: Sendable {
    /// The process's one vault: a command preloads it at its start.
    public static let process = CredentialVault()

    struct Key: Hashable {
        let reference: CredentialReference
        let kind: ProviderKind
    }

    private let entries = Mutex<[Key: Result<CredentialLoader.Loaded, CredentialError>]>([:])
    /// Webhook notifiers' HMAC keys (`secret`), read the same way.
    private let keys = Mutex<[CredentialReference: Result<Secret, CredentialError>]>([:])

    public init() {}

    /// Loads every credential of `configuration` (main and owner credentials, webhook keys) with `loader`, keeping
    /// each result, failure included: a later load gets the same answer without touching the file.
    public func preload(_ configuration: Configuration, with loader: CredentialLoader) {
        var loaded: [Key: Result<CredentialLoader.Loaded, CredentialError>] = [:]
        for provider in configuration.providers {
            for reference in [provider.credential] + provider.owners.map(\.credential) {
                let key = Key(reference: reference, kind: provider.kind)
                guard loaded[key] == nil else { continue }
                loaded[key] = Result { () throws(CredentialError) in try loader.reading(reference, kind: provider.kind) }
            }
        }
        entries.withLock { $0.merge(loaded) { _, new in new } }
        var secrets: [CredentialReference: Result<Secret, CredentialError>] = [:]
        for reference in configuration.notifiers.flatMap(\.credentials) where secrets[reference] == nil {
            secrets[reference] = Result { () throws(CredentialError) in try loader.loadKey(reference) }
        }
        keys.withLock { $0.merge(secrets) { _, new in new } }
    }

    /// What `preload` found for this key, or nil when it was not preloaded.
    func lookupKey(_ reference: CredentialReference) -> Result<Secret, CredentialError>? {
        keys.withLock { $0[reference] }
    }

    /// What `preload` found for this credential, or nil when it was not preloaded.
    func lookup(_ reference: CredentialReference, kind: ProviderKind) -> Result<CredentialLoader.Loaded, CredentialError>? {
        entries.withLock { $0[Key(reference: reference, kind: kind)] }
    }
}
