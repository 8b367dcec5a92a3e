import Foundation
import GRDB
import TokenWardenCore

/// The `token` table's row for a Core `Token`: column mapping only, so Core stays free of GRDB.
struct TokenRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "token"
    var token: Token

    init(_ token: Token) { self.token = token }

    init(row: Row) throws {
        let stateText: String = row["state"]
        guard let state = TokenState(rawValue: stateText) else {
            throw DatabaseError(resultCode: .SQLITE_CONSTRAINT, message: "unknown token state \"\(stateText)\"")
        }
        token = Token(provider: row["provider_id"], id: row["token_id"], name: row["name"], owner: row["owner"],
                      scopes: try JSONColumn.decode([String].self, from: row["scopes"]),
                      createdAt: row["created_at"], expiresAt: row["expires_at"], lastUsedAt: row["last_used_at"],
                      revoked: row["revoked"], state: state, firstSeenAt: row["first_seen_at"],
                      lastSeenAt: row["last_seen_at"], extras: try JSONColumn.decode([String: String].self, from: row["extras"]))
    }

    func encode(to container: inout PersistenceContainer) throws {
        container["provider_id"] = token.provider
        container["token_id"] = token.id
        container["name"] = token.name
        container["owner"] = token.owner
        container["scopes"] = try JSONColumn.encode(token.scopes)
        container["created_at"] = token.createdAt
        container["expires_at"] = token.expiresAt
        container["last_used_at"] = token.lastUsedAt
        container["revoked"] = token.revoked
        container["state"] = token.state.rawValue
        container["first_seen_at"] = token.firstSeenAt
        container["last_seen_at"] = token.lastSeenAt
        container["extras"] = try JSONColumn.encode(token.extras)
    }
}
