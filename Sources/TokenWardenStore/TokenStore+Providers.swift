import Foundation
import GRDB
import TokenWardenCore

/// The configured providers' rows, which polls, identities and tokens hang from.
extension TokenStore {
    /// Creates or refreshes the row of each configured provider (kind and URL may change between runs).
    public func registerProviders(_ providers: [ProviderConfig], at now: Date) throws {
        try writer.write { db in
            for provider in providers {
                try db.execute(
                    sql: """
                        INSERT INTO provider (id, kind, base_url, registered_at) VALUES (?, ?, ?, ?)
                        ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, base_url = excluded.base_url
                        """, arguments: [provider.id, provider.kind.rawValue, provider.baseURL, now.millisecondsSince1970])
            }
        }
    }
}
