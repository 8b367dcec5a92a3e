import Foundation
import GRDB
import TokenWardenCore

/// The `token` table's row for a Core `Token`: column mapping only, so Core stays free of GRDB.
struct TokenRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "token"
    var token: Token
    /// The `ListingDigest` of the token's bytes in the listing that wrote it last (`KnownListing`);
    /// kept as read by the writes of anything else.
    var listingDigest: Int64?

    init(_ token: Token, listingDigest: Int64? = nil) {
        self.token = token
        self.listingDigest = listingDigest
    }

    /// The `token` table's columns in table order: rows are read by position, not by name (name
    /// lookups were a third of reading a 800k-token store for `plan`). Migrations only ever append
    /// columns, and a test checks this list against the table.
    static let columnsInTableOrder = [
        "provider_id", "token_id", "name", "owner", "scopes", "created_at", "expires_at",
        "last_used_at", "revoked", "state", "first_seen_at", "last_seen_at", "extras", "facts_digest",
        "listing_digest", "base_name", "successor_of",
    ]

    init(row: Row) throws {
        let stateText: String = row[9]
        guard let state = TokenState(rawValue: stateText) else {
            throw DatabaseError(resultCode: .SQLITE_CONSTRAINT, message: "unknown token state \"\(stateText)\"")
        }
        token = Token(
            provider: row[0], id: row[1], name: row[2], owner: row[3],
            scopes: try JSONColumn.decode([String].self, from: row[4]),
            createdAt: Self.date(row[5]), expiresAt: Self.date(row[6]), lastUsedAt: Self.date(row[7]), revoked: row[8],
            state: state, firstSeenAt: Date(millisecondsSince1970: row[10]), lastSeenAt: Date(millisecondsSince1970: row[11]),
            extras: try JSONColumn.decode([String: String].self, from: row[12]),
            baseName: row.count > 16 ? row[15] : nil, successorOf: row.count > 16 ? row[16] : nil)
        listingDigest = row.count > 14 ? row[14] : nil
    }

    static func date(_ milliseconds: Int64?) -> Date? { milliseconds.map(Date.init(millisecondsSince1970:)) }

    /// Every column, in `values` order, for the prepared insert of `recordObservations`.
    static let insertSQL = """
        INSERT INTO token (provider_id, token_id, name, owner, scopes, created_at, expires_at, last_used_at, revoked, state,
                           first_seen_at, last_seen_at, extras, facts_digest, listing_digest)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// Inserts with an already prepared `insertSQL` statement: the hot path of discovering tokens.
    func insert(using statement: inout DirectStatement) throws {
        statement.bind(token.provider)
        statement.bind(token.id)
        statement.bind(token.name)
        statement.bind(token.owner)
        statement.bind(JSONColumn.encode(token.scopes))
        statement.bind(token.createdAt?.millisecondsSince1970)
        statement.bind(token.expiresAt?.millisecondsSince1970)
        statement.bind(token.lastUsedAt?.millisecondsSince1970)
        statement.bind(token.revoked)
        statement.bind(token.state.rawValue)
        statement.bind(token.firstSeenAt.millisecondsSince1970)
        statement.bind(token.lastSeenAt.millisecondsSince1970)
        statement.bind(JSONColumn.encode(token.extras))
        statement.bind(token.factsDigest)
        statement.bind(listingDigest)
        try statement.execute()
    }

    func encode(to container: inout PersistenceContainer) throws {
        container["provider_id"] = token.provider
        container["token_id"] = token.id
        container["name"] = token.name
        container["owner"] = token.owner
        container["scopes"] = JSONColumn.encode(token.scopes)
        container["created_at"] = token.createdAt?.millisecondsSince1970
        container["expires_at"] = token.expiresAt?.millisecondsSince1970
        container["last_used_at"] = token.lastUsedAt?.millisecondsSince1970
        container["revoked"] = token.revoked
        container["state"] = token.state.rawValue
        container["first_seen_at"] = token.firstSeenAt.millisecondsSince1970
        container["last_seen_at"] = token.lastSeenAt.millisecondsSince1970
        container["extras"] = JSONColumn.encode(token.extras)
        // Kept with the facts it digests, by every write of a row (a revoke by tokenwarden too).
        container["facts_digest"] = token.factsDigest
        container["listing_digest"] = listingDigest
        container["base_name"] = token.baseName
        container["successor_of"] = token.successorOf
    }
}
