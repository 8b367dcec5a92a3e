import Foundation
import GRDB
import Testing
import TokenWardenCore

@testable import TokenWardenStore

/// What a re-sync can recognise without decoding, and how the listed bytes' digest is kept.
@Suite struct KnownListingStoreTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let clock: @Sendable () -> Date = { t0 }
    static let providers = [
        ProviderConfig(id: "awx", kind: .awx, baseURL: "https://awx", credential: .systemd(name: "a")),
        ProviderConfig(id: "other", kind: .awx, baseURL: "https://other", credential: .systemd(name: "o")),
    ]

    func store() throws -> TokenStore {
        let store = try TokenStore.inMemory()
        try store.registerProviders(Self.providers, at: Self.t0)
        return store
    }

    static func token(_ id: String, digest: Int64?, expiresIn: TimeInterval? = nil, revoked: Bool = false) -> ObservedToken {
        var token = ObservedToken(id: id, name: "t\(id)", expiresAt: expiresIn.map { t0 + $0 }, revoked: revoked)
        token.listingDigest = digest
        return token
    }

    static func recognised(_ known: KnownListing, _ id: String, _ digest: Int64) -> Int64? {
        known.recognised(idDigest: ListingDigest.of(id), bytesDigest: UInt64(bitPattern: digest), cutoff: known.pageCutoff())
    }

    func listingDigest(_ store: TokenStore, _ id: String) throws -> Int64? {
        try store.writer.read { db in try Int64.fetchOne(db, sql: "SELECT listing_digest FROM token WHERE token_id = ?", arguments: [id]) }
    }

    @Test func holdsTheProvidersActiveTokensWithTheDigestOfTheirListedBytes() async throws {
        let store = try store()
        try await store.recordObservations(
            [
                Self.token("1", digest: 11), Self.token("2", digest: nil), Self.token("3", digest: 33, revoked: true),
                Self.token("4", digest: 44, expiresIn: -60), Self.token("5", digest: 55, expiresIn: 86_400),
            ], provider: "awx", at: Self.t0)
        try await store.recordObservations([Self.token("6", digest: 66)], provider: "other", at: Self.t0)
        let known = try await store.knownListing(provider: "awx", now: Self.clock)
        #expect(known.count == 2)
        let rowIDs = try await store.writer.read { db in
            try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT token_id, rowid FROM token").map { ($0[0] as String, $0[1] as Int64) })
        }
        #expect(Self.recognised(known, "1", 11) == rowIDs["1"])
        #expect(Self.recognised(known, "5", 55) == rowIDs["5"])
        #expect(Self.recognised(known, "1", 12) == nil)
        #expect(Self.recognised(known, "6", 66) == nil, "another provider's token")
    }

    @Test func aGoneTokenIsNotRecognisedSoItsReturnIsRecorded() async throws {
        let store = try store()
        try await store.recordObservations([Self.token("1", digest: 11), Self.token("2", digest: 22)], provider: "awx", at: Self.t0)
        let sightings = ListingSightings()
        try await store.recordObservations([Self.token("1", digest: 11)], provider: "awx", at: Self.t0 + 60, sightings: sightings)
        try store.endListing(ListingEnd(provider: "awx", sightings: sightings, startedAt: Self.t0 + 60, finishedAt: Self.t0 + 61))
        let known = try await store.knownListing(provider: "awx", now: Self.clock)
        #expect(known.count == 1)
        #expect(Self.recognised(known, "2", 22) == nil)
    }

    @Test func anUnchangedTokenListedInOtherBytesKeepsTheNewDigestWithoutHistory() async throws {
        let store = try store()
        try await store.recordObservations([Self.token("1", digest: 11)], provider: "awx", at: Self.t0)
        let summary = try await store.recordObservations([Self.token("1", digest: 12)], provider: "awx", at: Self.t0 + 60)
        #expect(summary.changed == 0)
        #expect(try listingDigest(store, "1") == 12)
        #expect(try store.history(provider: "awx", tokenID: "1").count == 1, "only its discovery")
        #expect(Self.recognised(try await store.knownListing(provider: "awx", now: Self.clock), "1", 12) != nil)
    }

    @Test func aChangedTokenIsWrittenWithItsNewDigestAndAnotherCommandsWriteKeepsIt() async throws {
        let store = try store()
        try await store.recordObservations([Self.token("1", digest: 11)], provider: "awx", at: Self.t0)
        var renamed = Self.token("1", digest: 13)
        renamed.name = "renamed"
        #expect(try await store.recordObservations([renamed], provider: "awx", at: Self.t0 + 60).changed == 1)
        #expect(try listingDigest(store, "1") == 13)
        try store.markRevoked(provider: "awx", tokenID: "1", at: Self.t0 + 120, detail: "by a rule")
        #expect(try listingDigest(store, "1") == 13)
        #expect(try await store.knownListing(provider: "awx", now: Self.clock).isEmpty, "a revoked token is decoded")
    }
}
