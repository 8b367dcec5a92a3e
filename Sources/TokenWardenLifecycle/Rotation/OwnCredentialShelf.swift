import Foundation
import TokenWardenConfig
import TokenWardenCore

/// The successors tokenwarden made of its own credential (`rotate_own_credential`): one file per
/// provider, `<state>/own-credentials/<provider>.json`, mode 0600 in a 0700 directory, written
/// atomically. The only place a live admin credential is kept by tokenwarden; never in the
/// database, output or journal.
///
/// A stored successor stands in for the configured credential only while that is still the one it
/// replaced (`replaces`, a one-way fingerprint): an admin who puts a new credential into the
/// configured file or `LoadCredential=` wins, and the stored one is ignored from then on.
public struct OwnCredentialShelf: Sendable {
    public let directory: String

    public init(stateDirectory: String) { directory = stateDirectory + "/own-credentials" }

    public func path(of provider: String) -> String { "\(directory)/\(provider).json" }

    /// One provider's stored successor.
    public struct Entry: Sendable {
        /// The provider's id of the successor token (SailPoint: its client id).
        public var tokenID: String
        /// `sha256:…` of the configured credential this stands in for (`fingerprint(of:)`).
        public var replaces: String
        public var createdAt: Date
        public var credential: Credential
        /// The credential in use before this one, kept until its token is revoked, so an undone
        /// rotation can go back to it; nil when that was the configured credential.
        public var previous: Previous?

        public struct Previous: Sendable {
            public var tokenID: String
            public var credential: Credential
        }
    }

    /// The file's layout: the credentials as their own files would hold them.
    private struct Stored: Codable {
        struct Previous: Codable {
            var token_id: String
            var credential: String
        }

        var token_id: String
        var replaces: String
        var created_at: Date
        var credential: String
        var previous: Previous?
    }

    /// Why the file cannot be used; never quotes its content.
    public struct ShelfError: Error, CustomStringConvertible {
        public let description: String
    }

    /// A one-way name for a configured credential, to recognise it without keeping it: the same
    /// fingerprint the store keeps of a delivered secret.
    public static func fingerprint(of credential: Credential) -> String {
        SecretFingerprint.of(Secret(credential.revealContent()))
    }

    /// The stored successor of `provider`, or nil when there is none. The file is checked as
    /// credential files are (regular, 0600, the service user's; `loader` says who that may be).
    public func entry(of provider: ProviderConfig, loader: CredentialLoader) throws -> Entry? {
        // The state directory's owner is the service user, whom a command run as root becomes.
        var info = stat()
        let owner = stat(AtomicFile.directory(of: directory), &info) == 0 ? info.st_uid : nil
        guard let text = try loader.readSecretFile(at: path(of: provider.id), alsoOwnedBy: owner) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let stored = try? decoder.decode(Stored.self, from: Data(text.utf8)) else {
            throw ShelfError(description: "\(path(of: provider.id)) is not a stored credential tokenwarden can read")
        }
        do throws(Credential.FormatError) {
            let format = provider.kind.credentialFormat
            var previous: Entry.Previous?
            if let old = stored.previous {
                previous = Entry.Previous(tokenID: old.token_id, credential: try Credential(content: old.credential, format: format))
            }
            return Entry(
                tokenID: stored.token_id, replaces: stored.replaces, createdAt: stored.created_at,
                credential: try Credential(content: stored.credential, format: format), previous: previous)
        } catch {
            throw ShelfError(description: "\(path(of: provider.id)): \(error.description)")
        }
    }

    /// Puts `entry` in place atomically (0600, the directory 0700); returns what went wrong after
    /// it was in place (the directory not flushed: a power cut may still undo it).
    @discardableResult
    public func store(_ entry: Entry, provider: String) throws -> [String] {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw DeliveryError("cannot create \(directory): \((error as NSError).localizedDescription)")
        }
        let stored = Stored(
            token_id: entry.tokenID, replaces: entry.replaces, created_at: entry.createdAt, credential: entry.credential.revealContent(),
            previous: entry.previous.map { Stored.Previous(token_id: $0.tokenID, credential: $0.credential.revealContent()) })
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return try AtomicFile.write(try encoder.encode(stored), to: path(of: provider), mode: 0o600)
    }

    /// Something that changes whenever a provider's file is written or removed (inode and change
    /// time), to tell whether a cycle replaced a credential.
    public func stamps(of providers: Set<String>) -> [String: [Int]] {
        var stamps: [String: [Int]] = [:]
        for provider in providers {
            var info = stat()
            if stat(path(of: provider), &info) == 0 {
                stamps[provider] = [Int(info.st_ino), Int(info.st_ctim.tv_sec), Int(info.st_ctim.tv_nsec)]
            }
        }
        return stamps
    }

    /// Removes `provider`'s file: the configured credential is used again.
    public func remove(provider: String) {
        unlink(path(of: provider))
    }
}
