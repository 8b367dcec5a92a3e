import Foundation
import Testing
import TokenWardenCore

@testable import TokenWardenLifecycle

/// What a cycle keeps of its decisions for the metrics, whatever their number.
@Suite struct DecisionDigestTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func decision(_ provider: String, _ id: Int, expiresInDays days: Int?, hold: Decision.Hold? = nil) -> Decision {
        let token = Token(
            provider: provider, id: String(id), name: "t-\(id)", expiresAt: days.map { now.addingTimeInterval(Double($0) * 86_400) },
            state: .active, firstSeenAt: now, lastSeenAt: now)
        return Decision(token: token, action: .notify, rule: "r", matchedRules: ["r"], reason: "x", hold: hold)
    }

    @Test func keepsTheSoonestToExpirePerProviderAndCountsHoldsWhateverTheOrder() {
        var digest = DecisionDigest(selecting: true, limit: 4)
        // 50 tokens in a shuffled order of expiry (every 7th step of 50), then one without expiry.
        for step in 0..<50 { digest.add(Self.decision("a", step, expiresInDays: (step * 7) % 50 + 1)) }
        digest.add(Self.decision("a", 99, expiresInDays: nil))
        digest.add(Self.decision("b", 1, expiresInDays: 3, hold: .snoozed))
        digest.add(Self.decision("b", 2, expiresInDays: 9, hold: .ownCredential))
        #expect(digest.count == 53)
        #expect(digest.selected["a"]?.compactMap(\.expiresAt) == (1...4).map { Self.now.addingTimeInterval(Double($0) * 86_400) })
        #expect(digest.selected["b"]?.map(\.id) == ["2"], "a snoozed token gets no series")
        #expect(digest.held == ["b": ["snoozed": 1, "own-credential": 1]])
    }

    @Test func keepsNoTokensWhenTheMetricsAreOff() {
        var digest = DecisionDigest(selecting: false)
        digest.add(Self.decision("a", 1, expiresInDays: 1))
        #expect(digest.selected.isEmpty)
        #expect(digest.count == 1)
    }
}
