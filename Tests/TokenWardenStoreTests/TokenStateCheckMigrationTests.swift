import Foundation
import GRDB
import Testing
import TokenWardenCore

@testable import TokenWardenStore

/// The `checkTokenStateByComparison` migration rebuilds the token table: nothing it held may be lost,
/// no history may cascade away, and the state rule must still hold.
@Suite struct TokenStateCheckMigrationTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aStoreFromBeforeTheRebuildKeepsTokensHistoryAndTheStateRule() throws {
        let queue = try TokenStore.migrated(upTo: "trackLifecycle", at: Self.t0)
        // Written as that schema's code wrote them (today's code writes columns it did not have).
        let t0 = Self.t0.millisecondsSince1970
        try queue.write { db in
            for n in 1...50 {
                let state = n == 7 ? "revoked" : "active"
                try db.execute(
                    sql: """
                        INSERT INTO token (provider_id, token_id, name, owner, scopes, created_at, expires_at, revoked, state,
                                           first_seen_at, last_seen_at)
                        VALUES ('awx', ?, ?, 'dave', '["read"]', ?, ?, ?, ?, ?, ?)
                        """, arguments: [String(n), "ci-\(n)", t0, t0 + Int64(n) * 86_400_000, n == 7, state, t0, t0])
                try db.execute(
                    sql: "INSERT INTO token_event (provider_id, token_id, occurred_at, kind) VALUES ('awx', ?, ?, 'discovered')",
                    arguments: [String(n), t0])
            }
            try db.execute(
                sql: "INSERT INTO token_event (provider_id, token_id, occurred_at, kind, detail) VALUES ('awx', '7', ?, 'changed', ?)",
                arguments: [t0 + 60_000, "state active → revoked (by hand)"])
        }
        let columns = TokenRecord.columnsInTableOrder.prefix(13).joined(separator: ", ")
        let before = try queue.read { db in
            (
                try Row.fetchAll(db, sql: "SELECT \(columns) FROM token ORDER BY token_id"),
                try Row.fetchAll(db, sql: "SELECT * FROM token_event ORDER BY id")
            )
        }
        #expect(
            try queue.read { db in try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'token'") }?.contains(" IN (") == true)

        // Compared where this migration leaves the store (a later one derives discoveries).
        try TokenStore.migrator.migrate(queue, upTo: "checkTokenStateByComparison")

        let after = try queue.read { db in
            (
                try Row.fetchAll(db, sql: "SELECT \(columns) FROM token ORDER BY token_id"),
                try Row.fetchAll(db, sql: "SELECT * FROM token_event ORDER BY id")
            )
        }
        #expect(after.0 == before.0)
        #expect(after.1 == before.1)
        #expect(after.1.count == 51)  // 50 discovered, 1 revoked
        let schema = try queue.read { db in try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'token'") } ?? ""
        #expect(!schema.contains(" IN ("))
        let indexes = try queue.read { db in try db.indexes(on: "token").map(\.name).sorted() }
        #expect(indexes.contains("token_on_expires_at") && indexes.contains("token_on_name"))
        #expect(throws: DatabaseError.self) {
            try queue.write { db in try db.execute(sql: "UPDATE token SET state = 'lost' WHERE token_id = '1'") }
        }
        // The history still belongs to its token: deleting a token cascades to its events.
        try queue.write { db in try db.execute(sql: "DELETE FROM token WHERE token_id = '2'") }
        #expect(try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM token_event WHERE token_id = '2'") } == 0)
        #expect(try TokenStore(queue).token(provider: "awx", id: "7")?.state == .revoked)
    }
}
