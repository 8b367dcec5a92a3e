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
        #expect(try store.markUnseenTokensGone(provider: "awx-main", sightings: listing, listingStartedAt: Self.t0 + 60, at: Self.t0 + 61).isEmpty)
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

    @Test func tokensMissingFromACompleteListingBecomeGoneAndCanReappear() throws {
        let store = try store()
        try store.recordObservations([ObservedToken(id: "1", name: "a"), ObservedToken(id: "2", name: "b")], provider: "awx-main", at: Self.t0)
        try store.recordObservations([ObservedToken(id: "9", name: "sp")], provider: "sp", at: Self.t0)
        let listingStart = Self.t0 + 3_600
        var listing = ListingSightings()
        try store.recordObservations([ObservedToken(id: "1", name: "a")], provider: "awx-main", at: listingStart, sightings: listing)
        let gone = try store.markUnseenTokensGone(provider: "awx-main", sightings: listing, listingStartedAt: listingStart, at: listingStart + 5)
        #expect(gone.map(\.tokenID) == ["2"])
        #expect(gone.first?.detail == "state active → gone")
        #expect(try store.token(provider: "awx-main", id: "2")?.state == .gone)
        #expect(try store.token(provider: "sp", id: "9")?.state == .active)  // other providers untouched
        // The unchanged token was not written, yet reads as seen in the listing; the gone one keeps
        // the time it was last seen.
        #expect(try store.token(provider: "awx-main", id: "1")?.lastSeenAt == listingStart)
        #expect(try store.token(provider: "awx-main", id: "2")?.lastSeenAt == Self.t0)
        listing = ListingSightings()
        try store.recordObservations([ObservedToken(id: "1", name: "a")], provider: "awx-main", at: listingStart + 60, sightings: listing)
        #expect(
            try store.markUnseenTokensGone(provider: "awx-main", sightings: listing, listingStartedAt: listingStart + 60, at: listingStart + 65)
                .isEmpty)
        #expect(try store.token(provider: "awx-main", id: "2")?.lastSeenAt == Self.t0)

        try store.recordObservations([ObservedToken(id: "2", name: "b")], provider: "awx-main", at: Self.t0 + 7_200)
        #expect(try store.token(provider: "awx-main", id: "2")?.state == .active)
        let history = try store.history(provider: "awx-main", tokenID: "2")
        #expect(history.map(\.event) == ["discovered", "disappeared", "reappeared"])
        #expect(history.map(\.detail) == ["", "state active → gone", "state gone → active"])
    }

    @Test func aListingThatFailsPartWayMarksNothingGoneAndKeepsWhatItSaw() throws {
        let store = try store()
        var listing = ListingSightings()
        try store.recordObservations(
            [ObservedToken(id: "1", name: "a"), ObservedToken(id: "2", name: "b")], provider: "awx-main", at: Self.t0, sightings: listing)
        try store.markUnseenTokensGone(provider: "awx-main", sightings: listing, listingStartedAt: Self.t0, at: Self.t0)
        let failedStart = Self.t0 + 3_600
        listing = ListingSightings()
        try store.recordObservations([ObservedToken(id: "1", name: "a")], provider: "awx-main", at: failedStart + 1, sightings: listing)
        // A batch that failed is not a sighting: its transaction, new rows and all, was undone.
        #expect(throws: (any Error).self) {
            try store.recordObservations([ObservedToken(id: "3", name: "c")], provider: "nobody", at: failedStart + 2, sightings: listing)
        }
        #expect(listing.count == 1)
        try store.keepSightings(provider: "awx-main", sightings: listing, listingStartedAt: failedStart)
        let seen = try #require(try store.token(provider: "awx-main", id: "1"))
        let unseen = try #require(try store.token(provider: "awx-main", id: "2"))
        #expect(seen.state == .active && seen.lastSeenAt == failedStart)
        #expect(unseen.state == .active && unseen.lastSeenAt == Self.t0)
        // The next complete listing starts afresh: what the failed one saw does not count.
        listing = ListingSightings()
        try store.recordObservations([ObservedToken(id: "2", name: "b")], provider: "awx-main", at: failedStart + 60, sightings: listing)
        #expect(try store.countUnseenTokens(provider: "awx-main", sightings: listing, listingStartedAt: failedStart + 60) == 1)
        let gone = try store.markUnseenTokensGone(provider: "awx-main", sightings: listing, listingStartedAt: failedStart + 60, at: failedStart + 61)
        #expect(gone.map(\.tokenID) == ["1"])
    }

    @Test func aTokenAnotherCommandRecordedDuringTheListingIsNotGone() throws {
        let store = try store()
        try store.recordObservations([ObservedToken(id: "1", name: "a"), ObservedToken(id: "2", name: "b")], provider: "awx-main", at: Self.t0)
        let start = Self.t0 + 3_600
        let listing = ListingSightings()
        try store.recordObservations([ObservedToken(id: "1", name: "a")], provider: "awx-main", at: start + 1, sightings: listing)
        // Meanwhile, say an admin's `rotate` recorded a successor (not in this listing's sightings).
        try store.recordObservations([ObservedToken(id: "3", name: "a-successor")], provider: "awx-main", at: start + 2)
        #expect(try store.countUnseenTokens(provider: "awx-main", sightings: listing, listingStartedAt: start) == 1)
        let gone = try store.markUnseenTokensGone(provider: "awx-main", sightings: listing, listingStartedAt: start, at: start + 5)
        #expect(gone.map(\.tokenID) == ["2"])
        #expect(try store.token(provider: "awx-main", id: "3")?.state == .active)
    }

    @Test func anUnchangedTokenIsComparedWithWhatTheStoreHoldsNotWithItsLastListing() throws {
        let store = try store()
        let observed = ObservedToken(id: "1", name: "deploy", expiresAt: Self.t0 + Self.day)
        try store.recordObservations([observed], provider: "awx-main", at: Self.t0)
        // Listed again unchanged: its row is not written (its own last sighting stays).
        #expect(try store.recordObservations([observed], provider: "awx-main", at: Self.t0 + 30).changed == 0)
        let rowSeen = try store.writer.read { db in try Int64.fetchOne(db, sql: "SELECT last_seen_at FROM token") }
        #expect(rowSeen == Self.t0.millisecondsSince1970)
        // tokenwarden revoked it; the provider still lists it unrevoked: that is a change.
        try store.markRevoked(provider: "awx-main", tokenID: "1", at: Self.t0 + 60, detail: "rule stale")
        var summary = try store.recordObservations([observed], provider: "awx-main", at: Self.t0 + 120)
        #expect(summary.changed == 1)
        #expect(try store.token(provider: "awx-main", id: "1")?.state == .active)
        // Same facts, but its expiry has passed: the state changes.
        summary = try store.recordObservations([observed], provider: "awx-main", at: Self.t0 + 2 * Self.day)
        #expect(summary.changed == 1)
        #expect(try store.history(provider: "awx-main", tokenID: "1").last?.detail == "state active → expired")
        // A row stored before digests were kept is compared by its facts, and gets its digest.
        try store.writer.write { db in try db.execute(sql: "UPDATE token SET facts_digest = NULL") }
        summary = try store.recordObservations([observed], provider: "awx-main", at: Self.t0 + 3 * Self.day)
        #expect(summary.changed == 0 && summary.discovered == 0)
        let digest = try store.writer.read { db in try Int64.fetchOne(db, sql: "SELECT facts_digest FROM token") }
        #expect(digest == observed.factsDigest)
        // Repeats in one batch: the second, changed, observation is recorded after the first.
        var renamed = observed
        renamed.name = "deploy-2"
        summary = try store.recordObservations([observed, renamed], provider: "awx-main", at: Self.t0 + 4 * Self.day)
        #expect(summary.changed == 1)
        #expect(try store.token(provider: "awx-main", id: "1")?.name == "deploy-2")
    }

    @Test func queriesFilterByProviderStateExpiryAndStaleness() throws {
        let store = try store()
        try store.recordObservations(
            [
                ObservedToken(id: "soon", name: "soon", createdAt: Self.t0 - 400 * Self.day, expiresAt: Self.t0 + 3 * Self.day),
                ObservedToken(id: "later", name: "later", createdAt: Self.t0 - 400 * Self.day, expiresAt: Self.t0 + 30 * Self.day),
                ObservedToken(id: "past", name: "past", createdAt: Self.t0 - 400 * Self.day, expiresAt: Self.t0 - Self.day),
            ], provider: "awx-main", at: Self.t0)
        try store.recordObservations(
            [
                ObservedToken(id: "never-used-old", name: "n1", createdAt: Self.t0 - 200 * Self.day),
                ObservedToken(id: "never-used-new", name: "n2", createdAt: Self.t0 - 10 * Self.day),
                ObservedToken(id: "used-long-ago", name: "u1", createdAt: Self.t0 - 300 * Self.day, lastUsedAt: Self.t0 - 120 * Self.day),
                ObservedToken(id: "used-recently", name: "u2", createdAt: Self.t0 - 300 * Self.day, lastUsedAt: Self.t0 - Self.day),
                ObservedToken(id: "revoked", name: "r", createdAt: Self.t0 - 300 * Self.day, revoked: true),
            ], provider: "sp", at: Self.t0)

        func ids(_ query: TokenQuery) throws -> [String] { try store.tokens(matching: query, at: Self.t0).map(\.id) }
        #expect(try ids(TokenQuery(expiringWithin: .days(14))) == ["soon"])
        #expect(try ids(TokenQuery(expiringWithin: .days(31))) == ["soon", "later"])
        // Only SailPoint reports last use: AWX's old tokens are never "stale".
        #expect(try ids(TokenQuery(unusedFor: .days(90))).sorted() == ["never-used-old", "revoked", "used-long-ago"])
        #expect(try ids(TokenQuery(states: [.active], unusedFor: .days(90))).sorted() == ["never-used-old", "used-long-ago"])
        #expect(try ids(TokenQuery(provider: "awx-main", states: [.expired])) == ["past"])
        #expect(try ids(TokenQuery(provider: "awx-main")) == ["later", "past", "soon"])
        #expect(try store.tokenCounts() == [.active: 6, .expired: 1, .revoked: 1])
    }

    @Test func resolvesReferencesByProviderAndIdOrUniqueName() throws {
        let store = try store()
        try store.recordObservations(
            [ObservedToken(id: "1", name: "deploy"), ObservedToken(id: "2", name: "twin")], provider: "awx-main", at: Self.t0)
        try store.recordObservations([ObservedToken(id: "x/y", name: "twin")], provider: "sp", at: Self.t0)
        #expect(try store.resolve("awx-main/1").name == "deploy")
        #expect(try store.resolve("sp/x/y").name == "twin")
        #expect(try store.resolve("deploy").reference == "awx-main/1")
        #expect(throws: StoreError.ambiguousName(name: "twin", candidates: ["awx-main/2 (active)", "sp/x/y (active)"])) {
            try store.resolve("twin")
        }
        #expect(throws: StoreError.tokenNotFound(reference: "awx-main/404")) { try store.resolve("awx-main/404") }
    }

    @Test func aDiscoveryIsReadFromTheTokenRowWithoutAHistoryRow() throws {
        // A first sync writes no history row per token: the discovery is the row's first sighting,
        // listed first among the same instant's entries and in listing order.
        let store = try store()
        try store.recordObservations(["9", "10", "2"].map { ObservedToken(id: $0, name: "t" + $0) }, provider: "awx-main", at: Self.t0)
        try store.recordObservations(
            [ObservedToken(id: "10", name: "t10-renamed"), ObservedToken(id: "11", name: "t11")], provider: "awx-main", at: Self.t0 + 60)
        let rows = try store.writer.read { db in try String.fetchAll(db, sql: "SELECT kind FROM token_event") }
        #expect(rows == ["changed"])
        let history = try store.history(limit: 10)
        #expect(history.map { "\($0.tokenID) \($0.event)" } == ["9 discovered", "10 discovered", "2 discovered", "11 discovered", "10 changed"])
        #expect(history.map(\.occurredAt) == [Self.t0, Self.t0, Self.t0, Self.t0 + 60, Self.t0 + 60])
        #expect(history.allSatisfy { $0.source == .observation && $0.rule == nil })
        #expect(history[4].tokenName == "t10-renamed" && history[4].detail == #"name "t10" → "t10-renamed""#)
        #expect(try store.history(limit: 2).map { "\($0.tokenID) \($0.event)" } == ["11 discovered", "10 changed"])
    }

    @Test func actionsJoinTheHistoryInTimeOrder() throws {
        let store = try store()
        try store.recordObservations([ObservedToken(id: "1", name: "deploy")], provider: "awx-main", at: Self.t0)
        try store.recordAction(
            AuditedAction(
                provider: "awx-main", tokenID: "1", occurredAt: Self.t0, rule: "warn",
                action: .notify, mode: .report, outcome: .skipped, reason: "expires in 3 days"))
        try store.recordAction(
            AuditedAction(
                provider: "awx-main", tokenID: "1", occurredAt: Self.t0 + 60, rule: nil,
                action: .revoke, mode: .manual, outcome: .failed, reason: "asked by admin", error: "HTTP 503"))
        let history = try store.history(provider: "awx-main", tokenID: "1")
        #expect(history.map(\.event) == ["discovered", "would notify (report-only)", "revoke (manual): failed"])
        #expect(history.map(\.rule) == [nil, "warn", nil])
        #expect(history[2].detail == "asked by admin — HTTP 503")
        #expect(try store.history(limit: 2).map(\.event) == ["would notify (report-only)", "revoke (manual): failed"])
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
