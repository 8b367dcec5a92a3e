import Foundation
import TokenWardenCore

/// Resolves a `credential = "…"` reference to a file, checks who may read it, and reads it.
/// A credential file readable by group or others is refused: a token is only as safe as its file.
public struct CredentialLoader: Sendable {
    /// Consulted for `$CREDENTIALS_DIRECTORY` (set by systemd's `LoadCredential=`).
    public var environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// The file a reference points to.
    public func path(of reference: CredentialReference) throws(CredentialError) -> String {
        switch reference {
        case let .file(path):
            return path
        case let .systemd(name):
            guard let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty else {
                throw CredentialError("\"\(name)\" names a systemd credential, but $CREDENTIALS_DIRECTORY is not set (not running under systemd with LoadCredential=\(name):…); outside systemd, give an absolute path to a 0600 file instead")
            }
            return directory + "/" + name
        }
    }

    /// The file's permission bits, after checking it exists, is a regular file and is private to its owner.
    @discardableResult
    public func checkPermissions(of reference: CredentialReference) throws(CredentialError) -> mode_t {
        let path = try path(of: reference)
        var info = stat()
        guard stat(path, &info) == 0 else {
            let reason = errno == ENOENT ? "does not exist" : "cannot be examined: \(String(cString: strerror(errno)))"
            throw CredentialError("credential file \(path) \(reason)")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw CredentialError("credential file \(path) is not a regular file")
        }
        let mode = info.st_mode & 0o7777
        guard mode & 0o077 == 0 else {
            throw CredentialError("credential file \(path) has mode \(String(format: "%04o", mode)): group or others may access it; run: chmod 600 \(path)")
        }
        return mode
    }

    /// A credential with where it came from, for summaries (`validate`) and messages.
    public struct Loaded: Sendable {
        public let credential: Credential
        public let path: String
        public let mode: mode_t
    }

    /// Checks permissions, then reads and parses the content in the format `kind` expects.
    public func load(_ reference: CredentialReference, kind: ProviderKind) throws(CredentialError) -> Loaded {
        let mode = try checkPermissions(of: reference)
        let path = try path(of: reference)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CredentialError("credential file \(path) cannot be read (permission denied? tokenwarden must run as its owner)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CredentialError("credential file \(path) is not UTF-8 text")
        }
        do {
            return Loaded(credential: try Credential(content: text, format: kind.credentialFormat), path: path, mode: mode)
        } catch {
            throw CredentialError("credential file \(path) (for \(kind.displayName)): \(error.description)")
        }
    }
}
