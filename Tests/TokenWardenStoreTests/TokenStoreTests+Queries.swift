import Foundation
import GRDB
import Testing
import TokenWardenCore
import TokenWardenTestSupport

@testable import TokenWardenStore

/// Queries, references and the history as commands read them.
extension TokenStoreTests {
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
}
