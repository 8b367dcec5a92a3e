import Foundation
import GRDB
import TokenWardenCore

extension TokenStore {
    /// The tokens matching `query` at `now`: by expiry when filtering on it, else by provider and name.
    public func tokens(matching query: TokenQuery, at now: Date) throws -> [Token] {
        var tokens: [Token] = []
        try forEachBatch(matching: query, at: now) { tokens += $0 }
        return tokens
    }

    /// The tokens of `tokens(matching:at:)`, in the same order, handed over `batchSize` at a time from
    /// one read: a whole inventory is evaluated without holding it in memory (a 100k-token `sync`
    /// peaked at twice the memory of a 1k one when the policy pass loaded every token at once).
    public func forEachBatch(
        matching query: TokenQuery, at now: Date, batchSize: Int = 1_000,
        _ body: ([Token]) throws -> Void
    ) throws {
        try writer.read { db in try Self.forEachBatch(db, matching: query, at: now, batchSize: batchSize, body) }
    }

    /// The live tokens (active or expired) with a fact in one of `windows`, batch by batch, in no
    /// order: what a forecast reads (1M tokens in the store, decoding all of them took 3.8 s of a
    /// 5.6 s `report --html`, `make bench`).
    public func forEachBatch(in windows: [Forecast.Window], batchSize: Int = 1_000, _ body: ([Token]) throws -> Void) throws {
        guard !windows.isEmpty else { return }
        var alternatives: [String] = []
        var arguments: StatementArguments = []
        for window in windows {
            let column =
                switch window.fact {
                case .created: "created_at"
                case .expires: "expires_at"
                case .usedOrCreated: "COALESCE(last_used_at, created_at)"
                }
            alternatives.append("(\(column) >= ? AND \(column) < ?)")
            arguments += [window.from.clampedMilliseconds, window.until.clampedMilliseconds]
        }
        try writer.read { db in
            let records = try TokenRecord.fetchCursor(
                db, sql: "SELECT * FROM token WHERE state IN ('active', 'expired') AND (\(alternatives.joined(separator: " OR ")))",
                arguments: arguments)
            var batch: [Token] = []
            batch.reserveCapacity(batchSize)
            while let record = try records.next() {
                batch.append(record.token)
                if batch.count == batchSize {
                    try body(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            if !batch.isEmpty { try body(batch) }
        }
    }

    /// `forEachBatch` on a connection already held (a write transaction's, see `stageDecisions`).
    static func forEachBatch(_ db: Database, matching query: TokenQuery, at now: Date, batchSize: Int, _ body: ([Token]) throws -> Void) throws {
        let (condition, arguments) = Self.condition(of: query, at: now)
        let order = query.expiringWithin != nil ? "expires_at, provider_id, name, token_id" : "provider_id, name, token_id"
        let records = try TokenRecord.fetchCursor(db, sql: "SELECT * FROM token WHERE \(condition) ORDER BY \(order)", arguments: arguments)
        var listings = try ListingTimes(db)
        var batch: [Token] = []
        batch.reserveCapacity(batchSize)
        while let record = try records.next() {
            batch.append(listings.seen(record.token))
            if batch.count == batchSize {
                try body(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { try body(batch) }
    }

    /// How many tokens `tokens(matching:at:)` would return, counted by SQLite (the daemon's `STATUS=`
    /// line loaded every expiring token only to count them).
    public func countTokens(matching query: TokenQuery, at now: Date) throws -> Int {
        let (condition, arguments) = Self.condition(of: query, at: now)
        return try writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM token WHERE \(condition)", arguments: arguments) ?? 0 }
    }

    /// The WHERE clause of `query` at `now`, and its arguments.
    private static func condition(of query: TokenQuery, at now: Date) -> (String, StatementArguments) {
        var conditions = ["state IN (\(query.states.map { "'\($0.rawValue)'" }.sorted().joined(separator: ",")))"]
        var arguments: StatementArguments = []
        if let provider = query.provider {
            conditions.append("provider_id = ?")
            arguments += [provider]
        }
        if let span = query.expiringWithin {
            conditions.append("expires_at > ? AND expires_at <= ?")
            arguments += [now.millisecondsSince1970, now.addingTimeInterval(span.timeInterval).millisecondsSince1970]
        }
        if let span = query.unusedFor {
            let kinds = ProviderKind.allCases.filter { $0.capabilities.contains(.lastUsed) }.map { "'\($0.rawValue)'" }
            conditions.append("provider_id IN (SELECT id FROM provider WHERE kind IN (\(kinds.joined(separator: ","))))")
            conditions.append("COALESCE(last_used_at, created_at) < ?")
            arguments += [now.addingTimeInterval(-span.timeInterval).millisecondsSince1970]
        }
        return (conditions.joined(separator: " AND "), arguments)
    }

    /// One token by provider id and the provider's token id.
    public func token(provider: String, id: String) throws -> Token? {
        try writer.read { db in
            var listings = try ListingTimes(db)
            return try TokenRecord.fetchOne(db, key: ["provider_id": provider, "token_id": id]).map { listings.seen($0.token) }
        }
    }

    /// Active tokens whose provider data carries an owner mail address (extras `owner_email`), at
    /// most `limit` of them: what `validate` shows of who `provider_addresses` would mail.
    public func tokensWithOwnerAddress(limit: Int) throws -> [Token] {
        try writer.read { db in
            var listings = try ListingTimes(db)
            return try TokenRecord.fetchAll(
                db,
                sql: "SELECT * FROM token WHERE state = 'active' AND json_extract(extras, '$.owner_email') IS NOT NULL LIMIT ?",
                arguments: [limit]
            ).map { listings.seen($0.token) }
        }
    }

    /// The tokens named by `references` (`provider/id`) that the store holds, read in one transaction.
    public func tokens(references: some Sequence<String>) throws -> [Token] {
        try tokens(keys: references.map(Self.split))
    }

    /// The tokens named by `keys` (provider id, token id) that the store holds, read in one transaction.
    public func tokens(keys: [(provider: String, id: String)]) throws -> [Token] {
        try writer.read { db in
            var listings = try ListingTimes(db)
            return try keys.compactMap { key in
                try TokenRecord.fetchOne(db, key: ["provider_id": key.provider, "token_id": key.id]).map { listings.seen($0.token) }
            }
        }
    }

    /// Finds the token an admin means by `PROVIDER/ID` or by a name that is unique in the inventory.
    public func resolve(_ reference: String) throws -> Token {
        if reference.contains("/") {
            let (provider, id) = Self.split(reference)
            guard let token = try token(provider: provider, id: id) else { throw StoreError.tokenNotFound(reference: reference) }
            return token
        }
        let named = try writer.read { db in
            var listings = try ListingTimes(db)
            return try TokenRecord.filter(sql: "name = ?", arguments: [reference]).order(sql: "provider_id, token_id").fetchAll(db)
                .map { listings.seen($0.token) }
        }
        switch named.count {
        case 0: throw StoreError.tokenNotFound(reference: reference)
        case 1: return named[0]
        default: throw StoreError.ambiguousName(name: reference, candidates: named.map { "\($0.reference) (\($0.state.rawValue))" })
        }
    }

    /// Token counts per state, for summaries.
    public func tokenCounts() throws -> [TokenState: Int] {
        try writer.read { db in
            var counts: [TokenState: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM token GROUP BY state") {
                if let state = TokenState(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            return counts
        }
    }
}
