import Foundation
import TokenWardenCore
import TokenWardenJournal

/// How the journal (and `[daemon] alert_to`) is told that tokenwarden's own credential expires.
extension JournalEvent {
    /// own-credential-expiring: a warning at 30 days, an error at 7 and 1, critical once expired.
    static func ownCredentialExpiring(_ token: Token, expiresAt: Date, stage: TimeSpan, now: Date) -> JournalEvent {
        let named = "tokenwarden's own credential at \(token.provider) (\(token.reference) \"\(token.name)\")"
        let fix = "create a new token for tokenwarden, put it in the credential file (and self_token_id), then `systemctl reload tokenwarden`"
        guard stage.seconds > 0 else {
            return JournalEvent(
                .ownCredentialExpiring, .critical,
                "\(named) expired at \(ProviderTimestamp.format(expiresAt)): every poll of \(token.provider) fails until it is replaced; \(fix)",
                token: token)
        }
        let left = TimeSpan(seconds: max(3_600, Int64(expiresAt.timeIntervalSince(now) / 3_600) * 3_600))
        return JournalEvent(
            .ownCredentialExpiring, stage.seconds > 7 * 86_400 ? .warning : .error,
            "\(named) expires in \(left) (\(ProviderTimestamp.format(expiresAt))): replace it before then, or every poll of "
                + "\(token.provider) will fail; \(fix)",
            token: token)
    }

    /// own-credential-ignored: a stored successor the configured credential has overridden, a live
    /// token nobody uses; said at each cycle until its file is gone.
    static func ignoredSuccessor(provider: String, tokenID: String, path: String) -> JournalEvent {
        JournalEvent(
            .ownCredentialIgnored, .warning,
            "the configured credential of \(provider) changed after tokenwarden stored its successor (token \(tokenID)) in \(path), "
                + "which is ignored from now on but still valid at the provider: revoke it (`tokenwarden revoke \(provider)/\(tokenID)`) "
                + "and remove the file",
            provider: provider, tokenID: tokenID)
    }
}
