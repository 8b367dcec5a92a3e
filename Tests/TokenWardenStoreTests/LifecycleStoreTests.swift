import Foundation
import Testing
import TokenWardenCore
import TokenWardenStore

/// The store's memory of reported decisions and its rotation journal.
@Suite struct LifecycleStoreTests {
    static let t0 = TokenStoreTests.t0

    func store(tokens: [String] = ["1", "2", "3"]) throws -> TokenStore {
        let store = try TokenStoreTests().store()
        try store.recordObservations(tokens.map { ObservedToken(id: $0, name: "tok-\($0)") }, provider: "awx-main", at: Self.t0)
        try store.recordObservations([ObservedToken(id: "9", name: "sp-9")], provider: "sp", at: Self.t0)
        return store
    }

    @Test func aDecisionIsReportedOncePerCrossingAndAgainWhenItsFactsChange() throws {
        let store = try store()
        let awx: Set<String> = ["awx-main"]
        #expect(try store.rememberDecisions(["sp/9": "revoke|x"], providers: ["sp"], at: Self.t0).fresh == ["sp/9"])
        #expect(
            try store.rememberDecisions(["awx-main/1": "notify|a", "awx-main/2": "notify|b"], providers: awx, at: Self.t0).fresh
                == ["awx-main/1", "awx-main/2"])
        // The next cycle, nothing new: nothing to report.
        #expect(try store.rememberDecisions(["awx-main/1": "notify|a", "awx-main/2": "notify|b"], providers: awx, at: Self.t0).fresh.isEmpty)
        // Facts changed for 2; 1 stopped matching (its memory is dropped).
        #expect(try store.rememberDecisions(["awx-main/2": "notify|c"], providers: awx, at: Self.t0).fresh == ["awx-main/2"])
        // 1 crosses the threshold again: reported again.
        #expect(
            try store.rememberDecisions(["awx-main/1": "notify|a", "awx-main/2": "notify|c"], providers: awx, at: Self.t0).fresh == ["awx-main/1"])
        // Another provider's memory was left alone by all of that.
        #expect(try store.rememberDecisions(["sp/9": "revoke|x"], providers: ["sp"], at: Self.t0).fresh.isEmpty)
    }

    @Test func decisionsBeyondTheLimitWaitForALaterCallAndAreCounted() throws {
        let store = try store()
        let awx: Set<String> = ["awx-main"]
        let facts = ["awx-main/1": "notify|a", "awx-main/2": "notify|b", "awx-main/3": "notify|c"]
        #expect(
            try store.rememberDecisions(facts, providers: awx, at: Self.t0, limit: 2)
                == RememberedDecisions(fresh: ["awx-main/1", "awx-main/2"], pending: 1))
        #expect(
            try store.rememberDecisions(facts, providers: awx, at: Self.t0, limit: 2)
                == RememberedDecisions(fresh: ["awx-main/3"], pending: 0))
        #expect(try store.rememberDecisions(facts, providers: awx, at: Self.t0, limit: 2) == RememberedDecisions(fresh: [], pending: 0))
    }

    @Test func aTokenHasAtMostOneUnfinishedRotation() throws {
        let store = try store()
        let token = try #require(try store.token(provider: "awx-main", id: "1"))
        let first = try store.beginRotation(
            of: token, rule: "roll", mode: .enforce, delivery: .file(path: "/t"), overlap: .hours(1),
            reason: "old", successorName: "next", at: Self.t0)
        #expect(first.state == .planned && first.delivery == .file(path: "/t") && first.overlap == .hours(1))
        #expect(throws: StoreError.rotationInProgress(reference: "awx-main/1")) {
            try store.beginRotation(
                of: token, rule: "roll", mode: .enforce, delivery: .file(path: "/t"), overlap: .hours(1), reason: "old", successorName: "next",
                at: Self.t0)
        }
        try store.advanceRotation(first.id, to: .failed, at: Self.t0, detail: "x", failure: "boom")
        #expect(try store.unfinishedRotations().isEmpty)
        let second = try store.beginRotation(
            of: token, rule: "roll", mode: .manual, delivery: .command(argv: ["/bin/x"]), overlap: .minutes(5),
            reason: "again", successorName: "next", at: Self.t0)
        #expect(try store.unfinishedRotations().map(\.id) == [second.id])
    }

    @Test func eachStepIsJournaledAndTheEndSettlesTheAuditEntry() throws {
        let store = try store()
        let token = try #require(try store.token(provider: "awx-main", id: "2"))
        let record = try store.beginRotation(
            of: token, rule: "roll", mode: .enforce, delivery: .file(path: "/t"), overlap: .hours(1),
            reason: "created 400 days ago", successorName: "next", at: Self.t0)
        let created = try store.advanceRotation(
            record.id, to: .created, at: Self.t0 + 1, detail: "new token 77", newTokenID: "77", fingerprint: "sha256:00")
        #expect(created.newTokenID == "77" && created.newSecretFingerprint == "sha256:00")
        let delivered = try store.advanceRotation(record.id, to: .delivered, at: Self.t0 + 2, detail: "delivered", revokeOldAfter: Self.t0 + 3602)
        #expect(delivered.newTokenID == "77" && delivered.revokeOldAfter == Self.t0 + 3602)
        try store.advanceRotation(record.id, to: .oldRevoked, at: Self.t0 + 3603, detail: "old revoked")
        try store.advanceRotation(record.id, to: .done, at: Self.t0 + 3603, detail: "done")
        let history = try store.history(provider: "awx-main", tokenID: "2")
        #expect(history.filter { $0.source == .rotation }.map(\.event) == ["planned", "created", "delivered", "old_revoked", "done"])
        #expect(history.filter { $0.source == .action }.map(\.event) == ["rotate (enforce): succeeded"])
    }
}
