import Foundation
import Testing
import TokenWardenCore

@Suite struct FactsDigestTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let base = ObservedToken(
        id: "1", name: "deploy", owner: "alice", scopes: ["read", "write"], createdAt: t0, expiresAt: t0 + 86_400,
        lastUsedAt: t0 + 60, revoked: false, extras: ["a": "1", "b": "2"])

    static let changes: [(String, @Sendable (inout ObservedToken) -> Void)] = [
        ("name", { $0.name = "deploy2" }),
        ("owner", { $0.owner = nil }),
        ("owner text", { $0.owner = "alicf" }),
        ("scope order", { $0.scopes = ["write", "read"] }),
        ("scope split", { $0.scopes = ["readwrite"] }),
        ("created", { $0.createdAt = nil }),
        ("expiry", { $0.expiresAt = t0 + 86_401 }),
        ("expiry moved to last use", { ($0.expiresAt, $0.lastUsedAt) = (nil, t0 + 86_400) }),
        ("last use", { $0.lastUsedAt = t0 + 61 }),
        ("revoked", { $0.revoked = true }),
        ("extra value", { $0.extras["b"] = "3" }),
        ("extra key", { $0.extras = ["a": "1", "c": "2"] }),
        ("name and owner boundary", { ($0.name, $0.owner) = ("deployal", "ice") }),
    ]

    @Test(arguments: changes.map(\.0))
    func everyListedFactChangesTheDigest(change: String) throws {
        var changed = Self.base
        try #require(Self.changes.first { $0.0 == change }).1(&changed)
        #expect(changed.factsDigest != Self.base.factsDigest)
    }

    @Test func theIdAndSubMillisecondDigitsDoNotChangeIt() {
        var other = Self.base
        other.id = "2"
        other.createdAt = Self.t0 + 0.000_4
        #expect(other.factsDigest == Self.base.factsDigest)
    }

    @Test func aTokenMadeFromAnObservationHasItsDigestAndSoDoesOneThatAbsorbedIt() {
        var observed = Self.base
        observed.expiresAt = Self.t0 + 86_400.000_7
        var token = Token(provider: "p", observed: observed, seenAt: Self.t0)
        #expect(token.factsDigest == observed.factsDigest)
        var renamed = observed
        renamed.name = "renamed"
        renamed.extras = ["z": "9"]
        _ = token.absorb(renamed, seenAt: Self.t0 + 60)
        #expect(token.factsDigest == renamed.factsDigest)
    }

    @Test func theDigestIsTheSameInEveryProcess() {
        // Stored and compared across runs: a fixed input has a fixed digest (FNV-1a 64, no seed).
        // Empty facts are 29 zero bytes (three 8-byte counts, five 1-byte flags); the value was
        // computed apart from this code, with Python.
        #expect(ObservedToken(id: "1", name: "").factsDigest == 6_306_538_903_969_766_639)
    }
}
