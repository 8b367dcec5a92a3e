import Foundation
import GRDB
import TokenWardenCore

/// Expiry warnings about tokenwarden's own credential: one per threshold crossed, per credential.
extension TokenStore {
    /// Records that the own credential `tokenID` of `provider`, expiring at `expiresAt`, crossed
    /// `stage`; true when that is news (a shorter stage than the last warned about this credential
    /// and expiry), false when it was said already.
    public func noteOwnCredentialStage(provider: String, tokenID: String, expiresAt: Date, stage: TimeSpan, at now: Date) throws -> Bool {
        try writer.write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT * FROM own_credential_warning WHERE provider_id = ?", arguments: [provider]) {
                let (token, expires, said): (String, Int64, Int64) = (row["token_id"], row["expires_at"], row["stage_seconds"])
                if token == tokenID, expires == expiresAt.millisecondsSince1970, said <= stage.seconds { return false }
            }
            try db.execute(
                sql: """
                    INSERT INTO own_credential_warning (provider_id, token_id, expires_at, stage_seconds, warned_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (provider_id) DO UPDATE SET token_id = excluded.token_id, expires_at = excluded.expires_at,
                      stage_seconds = excluded.stage_seconds, warned_at = excluded.warned_at
                    """,
                arguments: [provider, tokenID, expiresAt.millisecondsSince1970, stage.seconds, now.millisecondsSince1970])
            return true
        }
    }
}
