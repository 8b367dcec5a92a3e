import Foundation
import GRDB
import TokenWardenCore

extension TokenStore {
    /// Calls `body` with every live token some rule fires on, and the rule that wins for it, chosen
    /// by SQLite in one pass over the inventory: `plan` counts a million tokens without building
    /// one `Token` each. Which tokens fire is `PolicyEngine`'s decision, carried by `selections`
    /// (their windows are the engine's own boundaries); tests compare the two on the same store.
    /// Tokens arrive in no particular order. With `slice`, only the rows of that range of row ids
    /// (see `slices(_:)`): slices can be read at once, each on a reader connection of its own.
    /// `owner` gives the token's listed owner and the provider's owner id (what rotation signers are
    /// matched on); its columns are read only when some candidate rule rotates. `mapped` reads the
    /// file through a memory map: faster, but every page read counts in the process's RSS (`report`
    /// peaked at 383 MiB at 1M tokens with it, 43 MiB without), so `report` reads without.
    public func forEachFiring(
        _ selections: [PolicySelection], slice: ClosedRange<Int64>? = nil, mapped: Bool = true,
        _ body: (
            _ provider: String, _ rule: Int, _ name: String, _ id: () -> String,
            _ owner: () -> (owner: String?, ownerID: String?)
        ) throws -> Void
    ) throws {
        let candidates = selections.flatMap { selection in selection.candidates.map { (selection.provider, $0.rule) } }
        guard !candidates.isEmpty else { return }
        var arguments: StatementArguments = []
        var branches: [String] = []
        var code = 0
        for selection in selections {
            arguments += [selection.provider]
            var whens: [String] = []
            for candidate in selection.candidates {
                whens.append("WHEN \(Self.condition(candidate, arguments: &arguments)) THEN \(code)")
                code += 1
            }
            branches.append("WHEN ? THEN (CASE \(whens.joined(separator: " ")) END)")
        }
        // The CASE is on the provider first, so each row tries only its provider's rules (one CASE of
        // 20 rules took twice as long). Rows of providers without rules get NULL: filtering them with
        // `provider_id IN (...)` cost more than it saved (SQLite tests IN through a temporary index).
        let rotates = selections.contains { $0.candidates.contains(where: \.rotates) }
        let ownerColumns = rotates ? "owner, extras" : "NULL, NULL"
        var sql =
            "SELECT CASE provider_id \(branches.joined(separator: " ")) END, name, token_id, \(ownerColumns) FROM token WHERE state IN "
            + "('active', 'expired')"
        if let slice {
            sql += " AND rowid BETWEEN ? AND ?"
            arguments += [slice.lowerBound, slice.upperBound]
        }
        try writer.read { db in
            db.add(function: Self.fnmatchFunction)
            // The pass reads the whole table: mapped, its pages are not copied by a read() each
            // (about a tenth of `plan` on 1M tokens). Only for this pass; the connection is pooled.
            if mapped { try db.execute(sql: "PRAGMA mmap_size = \(Self.policyPassMapping)") }
            defer { if mapped { try? db.execute(sql: "PRAGMA mmap_size = 0") } }
            let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try rows.next() {
                guard let code: Int = row[0] else { continue }
                let (provider, rule) = candidates[code]
                // Most ids are never looked at (only a few tokens per rule are listed): read on demand.
                try body(
                    provider, rule, row[1], { row[2] },
                    {
                        let extras = (row[4] as String?).flatMap { try? JSONColumn.decode([String: String].self, from: $0) } ?? [:]
                        return (row[3], extras["owner_id"] ?? extras["user_id"])
                    })
            }
        }
    }

    /// Up to `limit` live (active) tokens of `providers` that `match` selects, as `provider/id`: who
    /// a rotate rule's one destination would serve (a rule selecting two collides with itself).
    public func activeTokens(matching match: TokenMatch, providers: [String], limit: Int) throws -> [String] {
        guard !providers.isEmpty else { return [] }
        var arguments = StatementArguments(providers)
        let condition = Self.condition(
            PolicySelection.Candidate(rule: 0, match: match, windows: [], skipsExpired: true, rotates: true),
            arguments: &arguments)
        arguments += [limit]
        return try writer.read { db in
            db.add(function: Self.fnmatchFunction)
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT provider_id, token_id FROM token
                    WHERE provider_id IN (\(databaseQuestionMarks(count: providers.count))) AND state = 'active' AND \(condition)
                    ORDER BY provider_id, token_id LIMIT ?
                    """, arguments: arguments
            ).map { "\($0[0] as String)/\($0[1] as String)" }
        }
    }

    /// The token table's row ids cut into `count` ranges of about equal width, for reading at once.
    /// A token's row id never changes (rows are updated in place, never replaced or deleted), so each
    /// token falls in exactly one slice even while the daemon writes; slices read at once may see
    /// the store a few milliseconds apart, and tokens added after this call are left out.
    public func slices(_ count: Int) throws -> [ClosedRange<Int64>] {
        guard let last = try writer.read({ db in try Int64.fetchOne(db, sql: "SELECT max(rowid) FROM token") }) else { return [] }
        let parts = Int64(max(1, count))
        let width = max(1, (last + parts - 1) / parts)
        return stride(from: Int64(1), through: last, by: Int(width)).map { $0...min(last, $0 + width - 1) }
    }

    /// How much of the database file the policy pass maps: SQLite maps at most this much, and reads
    /// the rest; 4 GiB covers a store of several million tokens.
    static let policyPassMapping: Int64 = 4 << 30

    /// The SQL condition under which `candidate` fires, appending its arguments in text order.
    static func condition(_ candidate: PolicySelection.Candidate, arguments: inout StatementArguments) -> String {
        var parts: [String] = []
        if candidate.skipsExpired { parts.append("state <> 'expired'") }
        // A name pattern matches the token's name or its lineage's (`base_name`, NULL unless a rotation made it).
        if !candidate.match.names.isEmpty {
            parts.append(globs(candidate.match.names, columns: ["name", "base_name"], arguments: &arguments))
        }
        if !candidate.match.owners.isEmpty { parts.append(globs(candidate.match.owners, columns: ["owner"], arguments: &arguments)) }
        if !candidate.match.scopes.isEmpty {
            parts.append(
                "EXISTS (SELECT 1 FROM json_each(token.scopes) WHERE value IN (\(databaseQuestionMarks(count: candidate.match.scopes.count))))")
            arguments += StatementArguments(candidate.match.scopes)
        }
        for window in candidate.windows {
            switch window {
            case .never:
                parts.append("0")
            case .expires(let range):
                if range.lowerBound == .min {
                    parts.append("expires_at <= ?")
                    arguments += [range.upperBound]
                } else {
                    parts.append("expires_at BETWEEN ? AND ?")
                    arguments += [range.lowerBound, range.upperBound]
                }
            case .createdAtOrBefore(let bound):
                parts.append("created_at <= ?")
                arguments += [bound]
            case .unused(let lastUsed, let neverUsedCreated):
                parts.append("(CASE WHEN last_used_at IS NOT NULL THEN last_used_at <= ? ELSE created_at <= ? END)")
                arguments += [lastUsed, neverUsedCreated]
            }
        }
        return parts.isEmpty ? "1" : "(" + parts.joined(separator: " AND ") + ")"
    }

    /// Any of `patterns` matches any of `columns`. A pattern of literals and `*` means the same to SQLite's GLOB
    /// as to fnmatch(3), and GLOB runs inside SQLite; any other (`?` counts bytes in fnmatch but
    /// characters in GLOB, brackets and escapes differ) goes through `Glob` itself as a SQL function.
    static func globs(_ patterns: [Glob], columns: [String], arguments: inout StatementArguments) -> String {
        let tests = patterns.flatMap { glob in
            columns.map { column in
                arguments += [glob.pattern]
                return glob.pattern.contains(where: { "?[\\".contains($0) }) ? "\(fnmatchFunction.name)(?, \(column))" : "\(column) GLOB ?"
            }
        }
        return "(" + tests.joined(separator: " OR ") + ")"
    }

    /// `tokenwarden_fnmatch(pattern, text)`: `Glob.matches`, false for a NULL text (a token without owner).
    static let fnmatchFunction = DatabaseFunction("tokenwarden_fnmatch", argumentCount: 2, pure: true) { values in
        guard let pattern = String.fromDatabaseValue(values[0]), let text = String.fromDatabaseValue(values[1]) else { return false }
        return Glob(pattern).matches(text)
    }
}
