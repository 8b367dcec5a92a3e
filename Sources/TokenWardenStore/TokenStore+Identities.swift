import Foundation
import GRDB
import TokenWardenCore

extension TokenStore {
    /// Remembers who `provider`'s main credential signs in as, as the provider just said (`endListing`).
    static func recordIdentity(_ db: Database, _ identity: ProviderIdentity, provider: String, at now: Date) throws {
        try db.execute(
            sql: """
                INSERT INTO provider_identity (provider_id, owner_id, owner_name, learned_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (provider_id) DO UPDATE SET owner_id = excluded.owner_id, owner_name = excluded.owner_name,
                    learned_at = excluded.learned_at
                """, arguments: [provider, identity.id, identity.name, now.millisecondsSince1970])
    }

    /// Who each provider's main credential signs in as, where a provider told: learned identities,
    /// else the owner of the credential's own token in the inventory (`ownTokens`: provider id to
    /// token id, e.g. SailPoint's client id or `self_token_id`).
    public func identities(ownTokens: [String: String] = [:]) throws -> [String: ProviderIdentity] {
        try writer.read { db in
            var identities: [String: ProviderIdentity] = [:]
            for (provider, tokenID) in ownTokens {
                guard
                    let row = try Row.fetchOne(
                        db, sql: "SELECT owner, extras FROM token WHERE provider_id = ? AND token_id = ?",
                        arguments: [provider, tokenID])
                else { continue }
                let extras = (try? JSONColumn.decode([String: String].self, from: row[1])) ?? [:]
                let owner: String? = row[0]
                guard let id = extras["owner_id"] ?? extras["user_id"] ?? owner else { continue }
                identities[provider] = ProviderIdentity(id: id, name: owner)
            }
            let rows = try Row.fetchAll(db, sql: "SELECT provider_id, owner_id, owner_name FROM provider_identity")
            for row in rows { identities[row[0]] = ProviderIdentity(id: row[1], name: row[2]) }
            return identities
        }
    }
}
