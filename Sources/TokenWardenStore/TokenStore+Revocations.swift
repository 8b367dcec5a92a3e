import Foundation
import GRDB
import TokenWardenCore

/// A token revoked by tokenwarden (a policy or an admin's revoke, or the old token of a rotation).
extension TokenStore {
    /// Marks the token revoked with a history entry saying why; a token already revoked is left as it is.
    public func markRevoked(provider: String, tokenID: String, at now: Date, detail: String) throws {
        try writer.write { db in
            guard var record = try TokenRecord.fetchOne(db, key: ["provider_id": provider, "token_id": tokenID]),
                record.token.state != .revoked
            else { return }
            let previous = record.token.state
            record.token.state = .revoked
            record.token.revoked = true
            try record.update(db)
            try insertEvent(
                db, provider: provider, tokenID: tokenID, kind: .changed, at: now,
                detail: "state \(previous.rawValue) → revoked (\(detail))")
        }
    }
}
