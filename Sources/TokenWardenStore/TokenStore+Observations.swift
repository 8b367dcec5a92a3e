import Foundation
import GRDB
import TokenWardenCore

extension TokenStore {
    /// Creates or refreshes the row of each configured provider (kind and URL may change between runs).
    public func registerProviders(_ providers: [ProviderConfig], at now: Date) throws {
        try writer.write { db in
            for provider in providers {
                try db.execute(sql: """
                    INSERT INTO provider (id, kind, base_url, registered_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, base_url = excluded.base_url
                    """, arguments: [provider.id, provider.kind.rawValue, provider.baseURL, now])
            }
        }
    }

    /// Records one page of a listing in one transaction: new tokens are discovered, changed facts
    /// become history events, and every listed token's `last_seen_at` moves to `now`.
    @discardableResult
    public func recordObservations(_ page: [ObservedToken], provider: String, at now: Date) throws -> ObservationSummary {
        try writer.write { db in
            var summary = ObservationSummary()
            for observed in page {
                summary.seen += 1
                let key = ["provider_id": provider, "token_id": observed.id]
                guard var record = try TokenRecord.fetchOne(db, key: key) else {
                    try TokenRecord(Token(provider: provider, observed: observed, seenAt: now)).insert(db)
                    try insertEvent(db, provider: provider, tokenID: observed.id, kind: .discovered, at: now, detail: "")
                    summary.discovered += 1
                    continue
                }
                let wasGone = record.token.state == .gone
                let changes = record.token.absorb(observed, seenAt: now)
                try record.update(db)
                let detail = changes.map(\.description).joined(separator: "; ")
                if wasGone {
                    try insertEvent(db, provider: provider, tokenID: observed.id, kind: .reappeared, at: now, detail: detail)
                    summary.reappeared += 1
                } else if !changes.isEmpty {
                    try insertEvent(db, provider: provider, tokenID: observed.id, kind: .changed, at: now, detail: detail)
                    summary.changed += 1
                }
            }
            return summary
        }
    }

    /// After a listing that completed: every token of `provider` not seen since `listingStartedAt`
    /// is `gone`. Never call this after a listing that failed part-way. Returns the tokens marked gone.
    @discardableResult
    public func markUnseenTokensGone(provider: String, notSeenSince listingStartedAt: Date, at now: Date) throws -> [Token] {
        try writer.write { db in
            let missing = try TokenRecord
                .filter(sql: "provider_id = ? AND last_seen_at < ? AND state <> 'gone'", arguments: [provider, listingStartedAt])
                .fetchAll(db)
            var gone: [Token] = []
            for var record in missing {
                let previous = record.token.state
                record.token.state = .gone
                try record.update(db)
                try insertEvent(db, provider: provider, tokenID: record.token.id, kind: .disappeared, at: now,
                                detail: "state \(previous.rawValue) → gone")
                gone.append(record.token)
            }
            return gone
        }
    }

    func insertEvent(_ db: Database, provider: String, tokenID: String, kind: TokenEventKind, at now: Date, detail: String) throws {
        try db.execute(sql: "INSERT INTO token_event (provider_id, token_id, occurred_at, kind, detail) VALUES (?, ?, ?, ?, ?)",
                       arguments: [provider, tokenID, now, kind.rawValue, detail])
    }
}
