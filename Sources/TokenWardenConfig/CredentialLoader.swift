import Foundation
import TokenWardenCore

/// Resolves a `credential = "…"` reference to a file, checks who may read it, and reads it.
/// A credential file readable by group or others is refused: a token is only as safe as its file.
public struct CredentialLoader: Sendable {
    /// Consulted for `$CREDENTIALS_DIRECTORY` (set by systemd's `LoadCredential=`).
    public var environment: [String: String]
    /// The installed unit's `LoadCredential=` entries: where a bare name points when
    /// `$CREDENTIALS_DIRECTORY` is not set (a command run from the admin's shell).
    public var unit: UnitCredentials?
    /// Credentials read before the command gave up root; consulted before any file.
    public var vault: CredentialVault
    /// The command to suggest when a `LoadCredential=` source is root's alone, e.g. `sudo tokenwarden validate`.
    public var asRoot: String?

    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment, unit: UnitCredentials? = nil,
        vault: CredentialVault = .process
    ) {
        self.environment = environment
        self.unit = unit
        self.vault = vault
    }

    /// The file a reference points to.
    public func path(of reference: CredentialReference) throws(CredentialError) -> String {
        switch reference {
        case .file(let path):
            return path
        case .systemd(let name):
            if let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty { return directory + "/" + name }
            guard let unit else {
                throw CredentialError(
                    "\"\(name)\" names a systemd credential, but $CREDENTIALS_DIRECTORY is not set and no installed tokenwarden.service "
                        + "says where it comes from (LoadCredential=\(name):…); outside systemd, give an absolute path to a 0600 file instead"
                )
            }
            if unit.encrypted.contains(name) {
                throw CredentialError(
                    "\"\(name)\" is a LoadCredentialEncrypted= credential of \(unit.unit): only systemd can decrypt it, so commands run "
                        + "from a shell cannot use it; give the unit a LoadCredential= source file instead, or run the command through "
                        + "`systemd-run --pipe --wait -p LoadCredentialEncrypted=\(name):…`"
                )
            }
            guard let path = unit.path(of: name, exists: { access($0, F_OK) == 0 }) else {
                throw CredentialError(
                    "\"\(name)\" names a systemd credential, but $CREDENTIALS_DIRECTORY is not set and \(unit.unit) has no "
                        + "LoadCredential=\(name):…; add it to the unit (a drop-in), or give an absolute path to a 0600 file instead"
                )
            }
            return path
        }
    }

    /// Whether `reference` is read from a `LoadCredential=` source file, from a shell.
    private func readsUnitSource(_ reference: CredentialReference) -> Bool {
        guard case .systemd = reference else { return false }
        return (environment["CREDENTIALS_DIRECTORY"] ?? "").isEmpty && unit != nil
    }

    /// Opens the credential file without following a symbolic link and checks the open file itself
    /// (`fstat` on the descriptor, so nothing can swap the file between the check and the read): a
    /// regular file, no access for group or others, owned by the user tokenwarden runs as or by root.
    /// A systemd credential may also show the overflow uid: under `PrivateUsers=` the root-owned
    /// files systemd places there appear so.
    func openChecked(_ reference: CredentialReference, alsoOwnedBy owner: uid_t? = nil) throws(CredentialError) -> (fd: Int32, mode: mode_t) {
        let path = try path(of: reference)
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            let reason =
                switch errno {
                case ENOENT: "does not exist"
                case ELOOP: "is a symbolic link; name the file itself, so nobody can point tokenwarden elsewhere by changing the link"
                case EACCES where readsUnitSource(reference):
                    "cannot be read by this user (\(unit?.unit ?? "the service") loads it as root): run `\(asRoot ?? "sudo tokenwarden …")` "
                        + "instead; it reads the credentials as root, then works as the state directory's owner"
                case EACCES: "cannot be read (permission denied): it must be readable by the user tokenwarden runs as"
                default: "cannot be opened: \(String(cString: strerror(errno)))"
                }
            throw CredentialError("credential file \(path) \(reason)")
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw CredentialError("credential file \(path) cannot be examined: \(reason)")
        }
        let mode = info.st_mode & 0o7777
        var owners: Set<uid_t> = [geteuid(), 0]
        if let owner { owners.insert(owner) }
        // Only for the copy systemd placed in $CREDENTIALS_DIRECTORY, never for a source file read from a shell.
        if case .systemd = reference, !readsUnitSource(reference), let overflow = Self.overflowUID { owners.insert(overflow) }
        let problem: String? =
            if info.st_mode & S_IFMT != S_IFREG {
                "is not a regular file"
            } else if mode & 0o077 != 0 {
                "has mode \(String(format: "%04o", mode)): group or others may access it; run: chmod 600 \(path)"
            } else if !owners.contains(info.st_uid) {
                "belongs to uid \(info.st_uid); it must belong to the user tokenwarden runs as (uid \(geteuid())) or to root: run chown "
                    + "\(geteuid()) \(path)"
            } else {
                nil
            }
        if let problem {
            close(fd)
            throw CredentialError("credential file \(path) \(problem)")
        }
        return (fd, mode)
    }

    /// The uid unmapped owners appear as inside a user namespace (`/proc/sys/kernel/overflowuid`).
    static let overflowUID: uid_t? = (try? String(contentsOfFile: "/proc/sys/kernel/overflowuid", encoding: .utf8))
        .flatMap { uid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }

    /// A credential with where it came from, for summaries (`validate`) and messages.
    public struct Loaded: Sendable {
        public let credential: Credential
        public let path: String
        public let mode: mode_t
    }

    /// The credential, from the vault when the command preloaded it, else read now (`reading`).
    public func load(_ reference: CredentialReference, kind: ProviderKind) throws(CredentialError) -> Loaded {
        if let preloaded = vault.lookup(reference, kind: kind) { return try preloaded.get() }
        return try reading(reference, kind: kind)
    }

    /// Checks the open file, then reads it and parses the content in the format `kind` expects.
    func reading(_ reference: CredentialReference, kind: ProviderKind) throws(CredentialError) -> Loaded {
        let (fd, mode) = try openChecked(reference)
        let path = try path(of: reference)
        let text = try Self.text(of: fd, naming: "credential file \(path)")
        do {
            return Loaded(credential: try Credential(content: text, format: kind.credentialFormat), path: path, mode: mode)
        } catch {
            throw CredentialError("credential file \(path) (for \(kind.displayName)): \(error.description)")
        }
    }

    /// A file tokenwarden itself keeps a secret in (its own successor credential), checked as
    /// credential files are; it may also belong to `owner` (the state directory's, when root reads
    /// it). Nil when it does not exist.
    public func readSecretFile(at path: String, alsoOwnedBy owner: uid_t?) throws(CredentialError) -> String? {
        var info = stat()
        if lstat(path, &info) != 0, errno == ENOENT { return nil }
        let (fd, _) = try openChecked(.file(path: path), alsoOwnedBy: owner)
        return try Self.text(of: fd, naming: path)
    }

    /// The text of a checked file, closing it: at most 64 KiB, since a credential is one line and a
    /// larger file is not one. `naming` says which file in the errors.
    static func text(of fd: Int32, naming: String) throws(CredentialError) -> String {
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        guard let data = try? handle.read(upToCount: 64 << 10) ?? Data() else { throw CredentialError("\(naming) cannot be read") }
        guard let text = String(data: data, encoding: .utf8) else { throw CredentialError("\(naming) is not UTF-8 text") }
        return text
    }

    /// A key that is no provider's credential (a webhook's HMAC key): one line without white space,
    /// from a file checked as credential files are.
    public func loadKey(_ reference: CredentialReference) throws(CredentialError) -> Secret {
        if let preloaded = vault.lookupKey(reference) { return try preloaded.get() }
        let (fd, _) = try openChecked(reference)
        let path = try path(of: reference)
        let text = try Self.text(of: fd, naming: "key file \(path)")
        do {
            guard case .bearer(let key) = try Credential(content: text, format: .bearer).value else {
                throw CredentialError("key file \(path) is empty")
            }
            return Secret(key)
        } catch let error as CredentialError {
            throw error
        } catch let error as Credential.FormatError {
            throw CredentialError("key file \(path): \(error.description)")
        } catch {
            throw CredentialError("key file \(path) cannot be read")
        }
    }
}
