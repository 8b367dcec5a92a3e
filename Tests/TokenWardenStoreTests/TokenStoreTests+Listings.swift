import Foundation
import GRDB
import Testing
import TokenWardenCore
import TokenWardenTestSupport

@testable import TokenWardenStore

/// The end of a listing: gone, kept, reappeared, and what an unchanged token is compared with.
extension TokenStoreTests {
    @Test func tokensMissingFromACompleteListingBecomeGoneAndCanReappear() throws {
        let store = try store()
        try store.recordObservations([ObservedToken(id: "1", name: "a"), ObservedToken(id: "2", name: "b")], provider: "awx-main", at: Self.t0)
        try store.recordObservations([ObservedToken(id: "9", name: "sp")], provider: "sp", at: Self.t0)
        let listingStart = Self.t0 + 3_600
        var listing = ListingSightings()
        try store.recordObservations([ObservedToken(id: "1", name: "a")], provider: "awx-main", at: listingStart, sightings: listing)
        let gone = try store.endListing(ListingEnd(provider: "awx-main", sightings: listing, startedAt: listingStart, finishedAt: listingStart + 5))
            .gone
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
            try store.endListing(ListingEnd(provider: "awx-main", sightings: listing, startedAt: listingStart + 60, finishedAt: listingStart + 65))
                .gone
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
        try store.endListing(ListingEnd(provider: "awx-main", sightings: listing, startedAt: Self.t0, finishedAt: Self.t0))
        let failedStart = Self.t0 + 3_600
        listing = ListingSightings()
        try store.recordObservations([ObservedToken(id: "1", name: "a")], provider: "awx-main", at: failedStart + 1, sightings: listing)
        // A batch that failed is not a sighting: its transaction, new rows and all, was undone.
        #expect(throws: (any Error).self) {
            try store.recordObservations([ObservedToken(id: "3", name: "c")], provider: "nobody", at: failedStart + 2, sightings: listing)
        }
        #expect(listing.count == 1)
        let failed = try store.endListing(
            ListingEnd(provider: "awx-main", sightings: listing, startedAt: failedStart, finishedAt: failedStart + 3, error: "503"))
        #expect(failed.gone.isEmpty && failed.goneHeld == 0)
        let seen = try #require(try store.token(provider: "awx-main", id: "1"))
        let unseen = try #require(try store.token(provider: "awx-main", id: "2"))
        #expect(seen.state == .active && seen.lastSeenAt == failedStart)
        #expect(unseen.state == .active && unseen.lastSeenAt == Self.t0)
        // The next complete listing starts afresh: what the failed one saw does not count.
        listing = ListingSightings()
        try store.recordObservations([ObservedToken(id: "2", name: "b")], provider: "awx-main", at: failedStart + 60, sightings: listing)
        let gone = try store.endListing(
            ListingEnd(provider: "awx-main", sightings: listing, startedAt: failedStart + 60, finishedAt: failedStart + 61)
        ).gone
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
        let gone = try store.endListing(ListingEnd(provider: "awx-main", sightings: listing, startedAt: start, finishedAt: start + 5)).gone
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
}
