import Foundation
import Testing
import TokenWardenCore
import TokenWardenProviders
import TokenWardenSimulator

@Suite struct DriverListingTests {
    /// Every kind, at page sizes that split the listing unevenly, evenly, and not at all.
    @Test(arguments: ProviderKind.allCases, [1, 7, 30, 250])
    func listsEveryTokenExactlyOnceWithItsFacts(kind: ProviderKind, pageSize: Int) async throws {
        let (expected, tokens, pages) = try await SimulatorHarness.withHarness(tokens: 30) { (harness: SimulatorHarness) async throws in
            let expected = await harness.simulator.provider(kind).tokens
            let (tokens, pages) = try await collect(try harness.driver(kind, pageSize: pageSize).tokens())
            return (expected, tokens, pages)
        }
        #expect(tokens.map(\.id) == expected.map(\.id))
        // One token per page means one request per token (Synergy's list is never paged).
        if pageSize == 1, kind != .synergy { #expect(pages == SimulatorHarness.listed(30, kind)) }
        for (got, want) in zip(tokens, expected) {
            #expect(got.name == want.name)
            #expect(got.createdAt?.millisecondsSince1970 == want.createdAt?.millisecondsSince1970)
            #expect(got.expiresAt?.millisecondsSince1970 == want.expiresAt?.millisecondsSince1970)
            #expect(got.lastUsedAt?.millisecondsSince1970 == want.lastUsedAt?.millisecondsSince1970)
            #expect(got.revoked == want.revoked)
            if kind != .planningCenter, kind != .synergy { #expect(got.owner == want.owner) }
        }
    }

    @Test func synergyTimestampsWithOddFractionsAndOffsetsAreRead() async throws {
        let tokens = try await SimulatorHarness.withHarness(tokens: 9) { try await collect(try $0.driver(.synergy).tokens()).tokens }
        #expect(tokens.count == 9)
        #expect(tokens.allSatisfy { $0.createdAt != nil && $0.expiresAt != nil && $0.extras["timestamps_without_offset"] == nil })
        #expect(tokens.allSatisfy { $0.extras["ExpiryReminderState"] != nil })
    }

    @Test(arguments: ProviderKind.allCases)
    func aWrongCredentialIsReportedAsUnauthorizedWithoutEchoingIt(kind: ProviderKind) async throws {
        let wrong = kind.credentialFormat == .bearer ? "PLANTED-wrong-token-93ab" : "someone:PLANTED-wrong-token-93ab"
        let error = try await SimulatorHarness.withHarness(tokens: 3) { (harness: SimulatorHarness) async throws in
            await providerError { _ = try await collect(try harness.driver(kind, credential: wrong).tokens()) }
        }
        #expect(error?.kind == .unauthorized)
        #expect(error?.description.contains("401") == true)
        #expect(error?.description.contains("PLANTED-wrong-token") == false)
    }

    @Test func anUnreachableProviderSaysToCheckBaseURL() async throws {
        let error = try await SimulatorHarness.withClient { http in
            let provider = ProviderConfig(id: "nowhere", kind: .awx, baseURL: "http://127.0.0.1:9", credential: .systemd(name: "x"))
            let driver = try AWXDriver(provider: provider, credential: Credential(content: "t", format: .bearer), http: http)
            return await providerError { _ = try await collect(driver.tokens()) }
        }
        #expect(error?.kind == .connection)
        #expect(error?.description.contains("check base_url") == true)
    }
}
