import Crypto
import Foundation
import TokenWardenCore

/// A short, one-way name for a secret: `sha256:` and the first 16 hex digits of its SHA-256.
/// The store and the journal correlate a delivered secret by this, never by the secret itself.
public enum SecretFingerprint {
    public static func of(_ secret: Secret) -> String {
        let digest = SHA256.hash(data: Data(secret.reveal().utf8))
        return "sha256:" + digest.prefix(8).map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
    }
}
