import Foundation
import TokenWardenConfig
import TokenWardenCore

/// The credential tokenwarden signs in to a provider with, and why that one: the configured
/// credential, or the successor it made of it (`OwnCredentialShelf`). The one place the precedence
/// is decided, for drivers, for the own-token ids policy protects, and for `validate` to show.
public struct MainCredential: Sendable {
    /// Where the credential in use comes from.
    public enum Source: Sendable {
        /// The configured file or `LoadCredential=`; no stored successor.
        case configured
        /// tokenwarden's stored successor, standing in for the configured credential it replaced.
        case successor(OwnCredentialShelf.Entry)
        /// The configured credential, newer than the stored successor (an admin put in a new one):
        /// the stored one is ignored.
        case configuredOverSuccessor(OwnCredentialShelf.Entry)
    }

    public let credential: Credential
    /// The configured credential as it loaded (its path, for messages).
    public let configured: CredentialLoader.Loaded
    public let source: Source
    /// The path of the stored successor file.
    public let shelfPath: String

    /// The precedence: the stored successor while the configured credential is the one it replaced;
    /// otherwise the configured one. A configured credential that does not load is an error even
    /// when a successor is stored, since nothing then says the successor still stands for it.
    public static func resolve(
        _ provider: ProviderConfig, stateDirectory: String, loader: CredentialLoader
    ) throws -> MainCredential {
        let configured = try loader.load(provider.credential, kind: provider.kind)
        let shelf = OwnCredentialShelf(stateDirectory: stateDirectory)
        let path = shelf.path(of: provider.id)
        guard let entry = try shelf.entry(of: provider, loader: loader) else {
            return MainCredential(credential: configured.credential, configured: configured, source: .configured, shelfPath: path)
        }
        guard entry.replaces == OwnCredentialShelf.fingerprint(of: configured.credential) else {
            return MainCredential(
                credential: configured.credential, configured: configured, source: .configuredOverSuccessor(entry), shelfPath: path)
        }
        return MainCredential(credential: entry.credential, configured: configured, source: .successor(entry), shelfPath: path)
    }

    /// The provider's id of the token this credential is: SailPoint's client id, the successor's
    /// id, else `self_token_id`.
    public func tokenID(of provider: ProviderConfig) -> String? {
        if provider.kind == .sailPoint, let id = credential.publicIdentifier { return id }
        if case .successor(let entry) = source { return entry.tokenID }
        return provider.selfTokenID
    }

    /// The id of the token the successor in use replaced (kept from policy until it is revoked).
    public func replacedTokenID(of provider: ProviderConfig) -> String? {
        guard case .successor(let entry) = source else { return nil }
        if let previous = entry.previous { return provider.kind == .sailPoint ? previous.credential.publicIdentifier : previous.tokenID }
        return provider.kind == .sailPoint ? configured.credential.publicIdentifier : provider.selfTokenID
    }

    /// The stored successor in use, if any.
    public var successor: OwnCredentialShelf.Entry? {
        if case .successor(let entry) = source { return entry }
        return nil
    }

    /// What `validate` says about it: which credential signs in, and what overrides it.
    public var summary: String {
        switch source {
        case .configured:
            return "the configured credential \(configured.path)"
        case .successor(let entry):
            return "tokenwarden's own successor (token \(entry.tokenID), made \(ProviderTimestamp.format(entry.createdAt))) in \(shelfPath), "
                + "standing in for \(configured.path); a new credential put there wins"
        case .configuredOverSuccessor(let entry):
            return "the configured credential \(configured.path), which changed after tokenwarden stored its successor "
                + "(token \(entry.tokenID)) in \(shelfPath): that one is ignored; revoke its token and remove the file"
        }
    }
}
