import Foundation
import GRDB
import Testing
import TokenWardenCore

@testable import TokenWardenStore

/// The `discoveryIsFirstSeen` migration deletes the `discovered` history rows earlier versions
/// wrote: each said what its token's `first_seen_at` says. `history` must read the same before and
/// after, and a row tokenwarden did not write that way must stay.
@Suite struct DiscoveryMigrationTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aStoreWithDiscoveryRowsShowsTheSameHistoryWithoutThem() throws {
        let queue = try TokenStore.migrated(upTo: "digestListedBytes", at: Self.t0)
        let t0 = Self.t0.millisecondsSince1970
        // As the code before this migration wrote them: a row per discovery at `first_seen_at`,
        // tokens 1 and 2 in the first listing, 3 a minute later; then 1 changed.
        try queue.write { db in
            for (id, seen) in [("1", t0), ("2", t0), ("3", t0 + 60_000)] {
                try db.execute(
                    sql: """
                        INSERT INTO token (provider_id, token_id, name, state, first_seen_at, last_seen_at)
                        VALUES ('awx', ?, ?, 'active', ?, ?)
                        """, arguments: [id, "ci-" + id, seen, seen])
                try db.execute(
                    sql: "INSERT INTO token_event (provider_id, token_id, occurred_at, kind, detail) VALUES ('awx', ?, ?, 'discovered', '')",
                    arguments: [id, seen])
            }
            try db.execute(
                sql: "INSERT INTO token_event (provider_id, token_id, occurred_at, kind, detail) VALUES ('awx', '1', ?, 'changed', ?)",
                arguments: [t0 + 120_000, "name ci-1 → ci-one"])
            // Not at token 2's first sighting: not one tokenwarden wrote, so it is kept.
            try db.execute(
                sql: "INSERT INTO token_event (provider_id, token_id, occurred_at, kind, detail) VALUES ('awx', '2', ?, 'discovered', '')",
                arguments: [t0 + 180_000])
        }

        let store = try TokenStore(queue)

        let kept = try queue.read { db in try Row.fetchAll(db, sql: "SELECT token_id, occurred_at, kind FROM token_event ORDER BY id") }
        #expect(
            kept == [
                ["token_id": "1", "occurred_at": t0 + 120_000, "kind": "changed"],
                ["token_id": "2", "occurred_at": t0 + 180_000, "kind": "discovered"],
            ])
        let history = try store.history(limit: 10).map { "\($0.tokenID) \($0.event) \($0.occurredAt.millisecondsSince1970 - t0)" }
        #expect(history == ["1 discovered 0", "2 discovered 0", "3 discovered 60000", "1 changed 120000", "2 discovered 180000"])
        #expect(try store.history(provider: "awx", tokenID: "1").map(\.event) == ["discovered", "changed"])
        #expect(try store.history(provider: "awx", tokenID: "3").map(\.occurredAt) == [Self.t0 + 60])
    }
}
