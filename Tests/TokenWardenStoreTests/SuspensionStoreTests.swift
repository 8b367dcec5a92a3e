import Foundation
import Testing
import TokenWardenCore

@testable import TokenWardenStore

/// Snoozes and exemptions: one per token, each change in the audit trail with who and why.
@Suite struct SuspensionStoreTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let day: TimeInterval = 86_400

    static func store() throws -> TokenStore {
        let store = try TokenStore.inMemory()
        try store.registerProviders(
            [ProviderConfig(id: "awx-main", kind: .awx, baseURL: "https://awx.example.com", credential: .systemd(name: "awx"))], at: t0)
        try store.recordObservations([ObservedToken(id: "1", name: "deploy"), ObservedToken(id: "2", name: "backup")], provider: "awx-main", at: t0)
        return store
    }

    @Test func aSnoozeHoldsUntilItsDateAndAnExemptionUntilItIsLifted() throws {
        let store = try Self.store()
        let snooze = Suspension(kind: .snooze, until: Self.t0 + 3 * Self.day, reason: "vendor", by: "alice (uid 1000)", at: Self.t0)
        let exempt = Suspension(kind: .exempt, until: nil, reason: "break-glass", by: "bob (uid 1001)", at: Self.t0)
        #expect(try store.suspend(provider: "awx-main", tokenID: "1", snooze))
        #expect(try store.suspend(provider: "awx-main", tokenID: "2", exempt))
        #expect(try store.suspend(provider: "awx-main", tokenID: "nope", exempt) == false)
        #expect(try store.suspensions(at: Self.t0 + Self.day) == ["awx-main/1": snooze, "awx-main/2": exempt])
        #expect(try store.suspensions(at: Self.t0 + 3 * Self.day) == ["awx-main/2": exempt])
        #expect(try store.suspensions(at: Self.t0 + 900 * Self.day) == ["awx-main/2": exempt])

        let lifted = try store.lift(provider: "awx-main", tokenID: "2", by: "carol (uid 1002)", reason: "team left", at: Self.t0 + Self.day)
        #expect(lifted == exempt)
        #expect(try store.lift(provider: "awx-main", tokenID: "2", by: "carol (uid 1002)", reason: "again", at: Self.t0 + Self.day) == nil)
        #expect(try store.suspensions(at: Self.t0 + Self.day) == ["awx-main/1": snooze])

        let audit = try store.history(provider: "awx-main", tokenID: "2").filter { $0.source == .action }
        #expect(audit.map(\.event) == ["exempt (admin)", "unsnooze (admin)"])
        #expect(audit.map(\.detail) == ["by bob (uid 1001): break-glass", "by carol (uid 1002): team left"])
    }

    /// Snoozing again replaces the date (one row per token), and both are in the audit trail.
    @Test func snoozingAgainReplacesTheDate() throws {
        let store = try Self.store()
        for days in [3.0, 10.0] {
            try store.suspend(
                provider: "awx-main", tokenID: "1",
                Suspension(kind: .snooze, until: Self.t0 + days * Self.day, reason: "\(Int(days))d", by: "alice (uid 1000)", at: Self.t0))
        }
        #expect(try store.suspensions(at: Self.t0 + 5 * Self.day)["awx-main/1"]?.reason == "10d")
        let audit = try store.history(provider: "awx-main", tokenID: "1").filter { $0.source == .action }
        #expect(audit.count == 2)
        #expect(audit.last?.detail.hasPrefix("until ") == true)
    }
}
