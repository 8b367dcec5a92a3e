import Foundation
import Testing
import TokenWardenCore

@Suite struct TokenObservationTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let t1 = t0.addingTimeInterval(3_600)

    @Test(
        arguments: [
            (false, nil, TokenState.active), (false, t0.addingTimeInterval(60), .active),
            (false, t0, .expired), (false, t0.addingTimeInterval(-60), .expired), (true, t0.addingTimeInterval(-60), .revoked),
        ] as [(Bool, Date?, TokenState)])
    func stateFollowsFactsAtNow(revoked: Bool, expiresAt: Date?, state: TokenState) {
        #expect(ObservedToken(id: "1", name: "n", expiresAt: expiresAt, revoked: revoked).state(at: Self.t0) == state)
    }

    @Test func absorbingReportsOnlyWhatChanged() {
        let observed = ObservedToken(id: "1", name: "deploy", scopes: ["read"], expiresAt: Self.t0.addingTimeInterval(86_400))
        var token = Token(provider: "p", observed: observed, seenAt: Self.t0)
        #expect(token.absorb(observed, seenAt: Self.t1).isEmpty)
        #expect(token.lastSeenAt == Self.t1)
        #expect(token.firstSeenAt == Self.t0)

        var renewed = observed
        renewed.expiresAt = Self.t0.addingTimeInterval(2 * 86_400)
        renewed.scopes = ["read", "write"]
        let changes = token.absorb(renewed, seenAt: Self.t1)
        #expect(
            changes.map(\.description) == [
                "scopes read → read,write",
                "expires_at 2027-01-16T08:00:00Z → 2027-01-17T08:00:00Z",
            ])
        #expect(token.expiresAt == renewed.expiresAt)
    }

    @Test func expiryPassingIsAStateChange() {
        let observed = ObservedToken(id: "1", name: "n", expiresAt: Self.t0.addingTimeInterval(60))
        var token = Token(provider: "p", observed: observed, seenAt: Self.t0)
        #expect(token.absorb(observed, seenAt: Self.t1).map(\.description) == ["state active → expired"])
        #expect(token.state == .expired)
    }
}
