import Foundation
import Testing
import TokenWardenCore
import TokenWardenSimulator

@Suite struct SimulatedInventoryTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(arguments: ProviderKind.allCases)
    func theSameSeedGivesTheSameTokens(kind: ProviderKind) {
        let first = SimulatedInventory.tokens(kind: kind, count: 200, seed: 7, now: Self.now)
        #expect(first == SimulatedInventory.tokens(kind: kind, count: 200, seed: 7, now: Self.now))
        // Planning Center lists only ids and names, so there is nothing random to differ.
        if kind != .planningCenter {
            #expect(first != SimulatedInventory.tokens(kind: kind, count: 200, seed: 8, now: Self.now))
        }
        #expect(first.count == 200)
        #expect(Set(first.map(\.id)).count == 200)
    }

    @Test(arguments: ProviderKind.allCases)
    func tokensCarryOnlyTheFactsTheirProviderReports(kind: ProviderKind) {
        let tokens = SimulatedInventory.tokens(kind: kind, count: 500, seed: 1, now: Self.now)
        let capabilities = kind.capabilities
        #expect(tokens.allSatisfy { ($0.createdAt != nil) == capabilities.contains(.creationTime) })
        if !capabilities.contains(.lastUsed) { #expect(tokens.allSatisfy { $0.lastUsedAt == nil }) }
        if !capabilities.contains(.expiry) { #expect(tokens.allSatisfy { $0.expiresAt == nil }) }
    }

    @Test func theMixIsRealistic() {
        let sailpoint = SimulatedInventory.tokens(kind: .sailPoint, count: 1_000, seed: 3, now: Self.now)
        #expect(sailpoint.contains { $0.lastUsedAt == nil })  // never used
        #expect(sailpoint.contains { $0.expiresAt.map { $0 < Self.now } == true })  // already expired
        #expect(sailpoint.contains { $0.expiresAt.map { $0 > Self.now && $0 < Self.now + 14 * 86_400 } == true })
        #expect(sailpoint.allSatisfy { $0.lastUsedAt.map { $0.timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400) == 0 } ?? true })
        #expect(SimulatedInventory.tokens(kind: .cryptlex, count: 1_000, seed: 3, now: Self.now).contains { $0.revoked })
        let awx = SimulatedInventory.tokens(kind: .awx, count: 1_000, seed: 3, now: Self.now)
        #expect(awx.contains { $0.expiresAt.map { ProviderTimestamp.format($0).hasPrefix("3") } == true })  // year 3000+
    }
}
