import Foundation
import GRDB
import Testing
import TokenWardenCore
import TokenWardenTestSupport

@testable import TokenWardenStore

@Suite struct TokenStoreTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let day: TimeInterval = 86_400
    static let providers = [
        ProviderConfig(id: "awx-main", kind: .awx, baseURL: "https://awx", credential: .systemd(name: "a")),
        ProviderConfig(id: "sp", kind: .sailPoint, baseURL: "https://sp", credential: .systemd(name: "s")),
    ]

    func store() throws -> TokenStore {
        let store = try TokenStore.inMemory()
        try store.registerProviders(Self.providers, at: Self.t0)
        return store
    }

    @Test func migratesAFileDatabaseAndReopensIt() throws {
        let dir = try TemporaryDirectory()
        let path = dir.subpath("state/tokenwarden.sqlite")
        do {
            let store = try TokenStore.open(path: path)
            try store.registerProviders(Self.providers, at: Self.t0)
            try store.recordObservations([ObservedToken(id: "1", name: "a")], provider: "awx-main", at: Self.t0)
            #expect(FileManager.default.fileExists(atPath: path + "-wal"))  // WAL journal mode
        }
        // No writer is open now (as when the daemon is stopped): reading must still work.
        let readOnly = try TokenStore.openReadOnly(path: path)
        #expect(try readOnly.tokens(matching: TokenQuery(), at: Self.t0).count == 1)
        let reopened = try TokenStore.open(path: path)
        #expect(try reopened.token(provider: "awx-main", id: "1")?.name == "a")
        let mode = try FileManager.default.attributesOfItem(atPath: dir.subpath("state"))[.posixPermissions] as? Int
        #expect(mode == 0o700)
    }

    @Test func aStoreThatReleasedItsMemoryReadsAndWritesAsBefore() throws {
        // The idle daemon releases SQLite's caches and closes reader connections between polls.
        let dir = try TemporaryDirectory()
        let store = try TokenStore.open(path: dir.subpath("tokenwarden.sqlite"))
        try store.registerProviders(Self.providers, at: Self.t0)
        try store.recordObservations([ObservedToken(id: "1", name: "a")], provider: "awx-main", at: Self.t0)
        #expect(try store.token(provider: "awx-main", id: "1")?.name == "a")
        store.releaseMemory()
        #expect(try store.token(provider: "awx-main", id: "1")?.name == "a")
        try store.recordObservations([ObservedToken(id: "2", name: "b")], provider: "awx-main", at: Self.t0 + 60)
        store.releaseMemory()
        #expect(try store.tokens(matching: TokenQuery(), at: Self.t0 + 60).map(\.id) == ["1", "2"])
        let memory = try TokenStore.inMemory()
        try memory.registerProviders(Self.providers, at: Self.t0)
        memory.releaseMemory()  // an in-memory store keeps its data
        #expect(try memory.recordObservations([ObservedToken(id: "1", name: "a")], provider: "awx-main", at: Self.t0).discovered == 1)
    }

    @Test func theWriteAheadLogShrinksBackAfterALargeTransaction() throws {
        // The daemon keeps its connections open: without a size limit the log file would keep the
        // size of the largest transaction (a migration, a first report) for as long as it runs.
        let dir = try TemporaryDirectory()
        let path = dir.subpath("tokenwarden.sqlite")
        let store = try TokenStore.open(path: path)
        try store.registerProviders(Self.providers, at: Self.t0)
        let padding = String(repeating: "x", count: 1_000)
        try store.recordObservations(
            (0..<30_000).map { ObservedToken(id: String($0), name: "token-\($0)-" + padding) }, provider: "awx-main", at: Self.t0)
        let walSize = { (try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0 }
        #expect(try walSize() > TokenStore.walSizeLimit)
        try store.recordObservations([ObservedToken(id: "new", name: "new")], provider: "awx-main", at: Self.t0 + 60)
        #expect(try walSize() <= TokenStore.walSizeLimit)
        #expect(try store.token(provider: "awx-main", id: "29999")?.name.hasSuffix(padding) == true)
    }

    @Test func readOnlyOpeningNeverCreatesADatabase() throws {
        let dir = try TemporaryDirectory()
        let path = dir.subpath("tokenwarden.sqlite")
        #expect(throws: StoreError.missing(path: path)) { try TokenStore.openReadOnly(path: path) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func aFileThatIsNotADatabaseIsReportedAsDamagedAndLeftAlone() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("tokenwarden.sqlite", String(repeating: "not a database ", count: 100))
        #expect {
            try TokenStore.open(path: path)
        } throws: { error in
            guard case .damaged(let damagedPath, _) = error as? StoreError else { return false }
            return damagedPath == path && "\(error)".contains("move the file aside")
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("not a database"))
    }

    @Test func observationsKeepFactsAndOnlyRecordChangesAsHistory() throws {
        let store = try store()
        let token = ObservedToken(
            id: "42", name: "deploy-bot", owner: "alice", scopes: ["write"], createdAt: Self.t0 - 10 * Self.day,
            expiresAt: Self.t0 + 30 * Self.day, extras: ["managed": "false"])
        var summary = try store.recordObservations([token, ObservedToken(id: "43", name: "other")], provider: "awx-main", at: Self.t0)
        #expect(summary.seen == 2 && summary.discovered == 2 && summary.changed == 0)

        summary = try store.recordObservations([token], provider: "awx-main", at: Self.t0 + 3_600)
        #expect(summary.seen == 1 && summary.discovered == 0 && summary.changed == 0)

        var renewed = token
        renewed.expiresAt = Self.t0 + 60 * Self.day
        summary = try store.recordObservations([renewed], provider: "awx-main", at: Self.t0 + 7_200)
        #expect(summary.changed == 1)

        let stored = try #require(try store.token(provider: "awx-main", id: "42"))
        #expect(
            stored
                == Token(
                    provider: "awx-main", id: "42", name: "deploy-bot", owner: "alice", scopes: ["write"],
                    createdAt: Self.t0 - 10 * Self.day, expiresAt: Self.t0 + 60 * Self.day, state: .active,
                    firstSeenAt: Self.t0, lastSeenAt: Self.t0 + 7_200, extras: ["managed": "false"]))
        let history = try store.history(provider: "awx-main", tokenID: "42")
        #expect(history.map(\.event) == ["discovered", "changed"])
        #expect(history[1].detail == "expires_at 2027-02-14T08:00:00Z → 2027-03-16T08:00:00Z")
    }

    @Test func idsThatNeedEscapingInJSONAreRecognisedOnTheNextListing() async throws {
        // The known tokens are looked up through one JSON array of ids: quotes, backslashes, control
        // characters and non-ASCII must come back as the same ids, or every poll would rediscover them.
        let store = try store()
        let ids = [#"a"b"#, #"back\slash"#, "tab\there", "line\nbreak", "caf\u{E9}", "\u{1F511}", "bell\u{07}", "/api/v2/tokens/7/", " ", "1"]
        let page = ids.map { ObservedToken(id: $0, name: "n-" + $0) }
        var summary = try await store.recordObservations(page, provider: "awx-main", at: Self.t0)
        #expect(summary.discovered == ids.count)
        let listing = ListingSightings()
        summary = try await store.recordObservations(page, provider: "awx-main", at: Self.t0 + 60, sightings: listing)
        #expect(summary.seen == ids.count && summary.discovered == 0 && summary.changed == 0)
        // Every id was found in the listing's sightings too: none is gone.
        #expect(listing.count == ids.count)
        #expect(
            try store.endListing(ListingEnd(provider: "awx-main", sightings: listing, startedAt: Self.t0 + 60, finishedAt: Self.t0 + 61)).gone.isEmpty
        )
        for id in ids {
            #expect(try store.token(provider: "awx-main", id: id)?.lastSeenAt == Self.t0 + 60, "\(id)")
            #expect(try store.history(provider: "awx-main", tokenID: id).map(\.event) == ["discovered"], "\(id)")
        }
        // The same ids under another provider are other tokens.
        #expect(try await store.recordObservations(page, provider: "sp", at: Self.t0 + 60).discovered == ids.count)
    }

    @Test func everyColumnOfANewTokenIsStoredAsObservedIncludingEmptyAndMissingValues() throws {
        // New tokens are bound straight through SQLite's C API: '' must stay '' (not NULL), nil NULL.
        let store = try store()
        let year3000 = try ProviderTimestamp.parse("3000-01-01T00:00:00Z").date
        let full = ObservedToken(
            id: "full", name: "Zürich 🔑 \"ops\"", owner: "", scopes: ["read", "write"], createdAt: Self.t0 - Self.day,
            expiresAt: year3000, lastUsedAt: Self.t0 - 60, revoked: true, extras: ["user_id": "7", "note": ""])
        let bare = ObservedToken(id: "bare", name: "")
        try store.recordObservations([full, bare], provider: "awx-main", at: Self.t0)
        let stored = try #require(try store.token(provider: "awx-main", id: "full"))
        #expect(
            stored
                == Token(
                    provider: "awx-main", id: "full", name: full.name, owner: "", scopes: ["read", "write"],
                    createdAt: Self.t0 - Self.day, expiresAt: year3000, lastUsedAt: Self.t0 - 60, revoked: true,
                    state: .revoked, firstSeenAt: Self.t0, lastSeenAt: Self.t0, extras: ["user_id": "7", "note": ""]))
        let bareStored = try #require(try store.token(provider: "awx-main", id: "bare"))
        #expect(bareStored.name == "" && bareStored.owner == nil && bareStored.scopes.isEmpty && bareStored.extras.isEmpty)
        #expect(bareStored.createdAt == nil && bareStored.expiresAt == nil && bareStored.lastUsedAt == nil && !bareStored.revoked)
        #expect(try store.history(provider: "awx-main", tokenID: "bare").map(\.event) == ["discovered"])
    }

    @Test func aBatchMixingChangedAndNewTokensRecordsEachWithItsEvent() throws {
        // A changed token's event goes through GRDB and a new token's through the same prepared
        // statement bound directly, one after the other, in both orders.
        let store = try store()
        try store.recordObservations([ObservedToken(id: "1", name: "a"), ObservedToken(id: "3", name: "c")], provider: "awx-main", at: Self.t0)
        let batch = [
            ObservedToken(id: "1", name: "a2"), ObservedToken(id: "2", name: "b"), ObservedToken(id: "3", name: "c2"),
            ObservedToken(id: "4", name: "d"),
        ]
        let summary = try store.recordObservations(batch, provider: "awx-main", at: Self.t0 + 60)
        #expect(summary.changed == 2 && summary.discovered == 2)
        #expect(try store.history(provider: "awx-main", tokenID: "1").map(\.event) == ["discovered", "changed"])
        #expect(try store.history(provider: "awx-main", tokenID: "2").map(\.event) == ["discovered"])
        #expect(try store.history(provider: "awx-main", tokenID: "3").map(\.event) == ["discovered", "changed"])
        #expect(try store.history(provider: "awx-main", tokenID: "4").map(\.event) == ["discovered"])
    }

    @Test func aRefusedInsertFailsTheWholeBatchAndTheStoreKeepsWorking() throws {
        let store = try store()
        // "nobody" is not a registered provider: the token row breaks its foreign key.
        #expect {
            try store.recordObservations([ObservedToken(id: "1", name: "a")], provider: "nobody", at: Self.t0)
        } throws: { error in
            (error as? DatabaseError)?.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY
        }
        #expect(try store.tokens(matching: TokenQuery(), at: Self.t0).isEmpty)
        // The same prepared statements serve the next batch.
        let summary = try store.recordObservations(
            [ObservedToken(id: "1", name: "a"), ObservedToken(id: "2", name: "b")], provider: "awx-main", at: Self.t0)
        #expect(summary.discovered == 2)
        #expect(try store.tokens(matching: TokenQuery(), at: Self.t0).map(\.id) == ["1", "2"])
    }

    @Test func aDatabaseFromANewerTokenwardenIsRefusedForReading() throws {
        let dir = try TemporaryDirectory()
        let path = dir.subpath("tokenwarden.sqlite")
        _ = try TokenStore.open(path: path)
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('fromTheFuture')")
        }
        #expect(throws: StoreError.newerSchema(path: path)) { try TokenStore.openReadOnly(path: path) }
    }

    @Test func aDatabaseWhoseSetupNeverStartedIsNotMigratedByReadersAndSaysSo() throws {
        let dir = try TemporaryDirectory()
        let path = dir.subpath("tokenwarden.sqlite")
        try DatabaseQueue(path: path).write { db in try db.execute(sql: "CREATE TABLE unrelated (x)") }
        let total = TokenStore.migrator.migrations.count
        #expect(throws: StoreError.incompleteSchema(path: path, applied: 0, total: total)) { try TokenStore.openReadOnly(path: path) }
        #expect(StoreError.incompleteSchema(path: path, applied: 0, total: total).description.contains("was never set up"))
        #expect(try DatabaseQueue(path: path).read { db in try db.tableExists("token") } == false)
    }

    /// A first sync that stopped part-way (a full disk) leaves some steps done: the message says
    /// both causes it could be and what to do, not only "an older tokenwarden".
    @Test func aPartlySetUpDatabaseSaysWhatCouldHaveHappenedAndWhatToDo() throws {
        let dir = try TemporaryDirectory()
        let path = dir.subpath("tokenwarden.sqlite")
        let first = try #require(TokenStore.migrator.migrations.first)
        try TokenStore.migrator.migrate(try DatabaseQueue(path: path), upTo: first)
        let total = TokenStore.migrator.migrations.count
        let error = #expect(throws: StoreError.self) { try TokenStore.openReadOnly(path: path) }
        #expect(error == .incompleteSchema(path: path, applied: 1, total: total))
        #expect(
            error?.description
                == "the token database \(path) is only partly set up (1 of \(total) steps): an older tokenwarden wrote it, or its setup "
                + "stopped part-way (the disk was full, or tokenwarden was stopped); run `tokenwarden sync` (or start the daemon) to finish it, "
                + "after freeing disk space if it is full; nothing in it is lost")
        _ = try TokenStore.open(path: path)  // and sync's open does finish it
        #expect(throws: Never.self) { try TokenStore.openReadOnly(path: path) }
    }
}
