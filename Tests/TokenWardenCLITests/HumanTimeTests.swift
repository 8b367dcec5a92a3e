import Foundation
import Testing
import TokenWardenCore
import TokenWardenStore
import TokenWardenTestSupport

@testable import TokenWardenCLI

/// Dates for people: how far off from the real instant, "never" for sentinels, UTC or local.
@Suite struct HumanTimeTests {
    static let now = Date(timeIntervalSince1970: 1_796_551_200)  // 2026-12-06T10:00:00Z

    @Test(
        arguments: [
            (22 * 3_600.0, "2026-12-07 (in 22 h)"),
            (40 * 60.0, "2026-12-06 (in 40 min)"),
            (30.0, "2026-12-06 (in 1 min)"),
            (3 * 86_400.0 + 3_600, "2026-12-09 (in 3d)"),
            (-5 * 3_600.0, "2026-12-06 (5 h ago)"),
            (-12 * 86_400.0, "2026-11-24 (12d ago)"),
            (500 * 86_400.0, "2028-04-19"),
        ] as [(TimeInterval, String)])
    func aDaySaysHowFarOffItIsFromTheRealInstant(offset: TimeInterval, shown: String) {
        #expect(HumanTime.utc.day(Self.now + offset, relativeTo: Self.now) == shown)
    }

    @Test func aFarFutureSentinelIsNever() throws {
        let awx = try ProviderTimestamp.parse("3025-10-14T09:12:00Z").date
        #expect(HumanTime.utc.day(awx, relativeTo: Self.now) == "never")
        #expect(HumanTime(zone: TimeZone(identifier: "Europe/Berlin")).day(awx, relativeTo: Self.now) == "never")
        #expect(HumanTime.utc.day(nil, relativeTo: Self.now) == "-")
    }

    @Test func localTimeCarriesItsOffsetAndHonoursDST() throws {
        let berlin = HumanTime(zone: try #require(TimeZone(identifier: "Europe/Berlin")))
        #expect(berlin.instant(Self.now) == "2026-12-06T11:00:00+01:00")
        #expect(berlin.instant(try ProviderTimestamp.parse("2026-07-01T10:00:00Z").date) == "2026-07-01T12:00:00+02:00")
        let newYork = HumanTime(zone: try #require(TimeZone(identifier: "America/New_York")))
        #expect(newYork.instant(Self.now) == "2026-12-06T05:00:00-05:00")
        // A day near midnight belongs to the local calendar.
        #expect(newYork.day(Self.now - 11 * 3_600, relativeTo: Self.now) == "2026-12-05 (11 h ago)")
        #expect(HumanTime.utc.instant(Self.now) == "2026-12-06T10:00:00Z")
    }

    @Test func theTokensTableSaysNeverAndLocalTimeThroughTheBinary() async throws {
        let setup = try CLITests.Setup()
        let store = try TokenStore.open(path: setup.database)
        let now = Date()
        try store.registerProviders(
            [ProviderConfig(id: "awx-main", kind: .awx, baseURL: "https://awx.example.com", credential: .systemd(name: "x"))], at: now)
        try await store.recordObservations(
            [
                ObservedToken(id: "5", name: "ci", createdAt: now, expiresAt: try ProviderTimestamp.parse("3025-10-14T09:12:00Z").date),
                ObservedToken(id: "6", name: "soon", createdAt: now, expiresAt: now + 22 * 3_600 + 600),
            ], provider: "awx-main", at: now)
        let utc = try await setup.run("tokens")
        let local = try await BuiltProduct.run(
            ["show", "awx-main/6", "--local-time", "--config", setup.config], environment: ["TZ": "Asia/Kolkata"])
        #expect(utc.stdout.contains(" never "), "\(utc.stdout)")
        #expect(!utc.stdout.contains("3025"))
        #expect(utc.stdout.contains("(in 22 h)"), "\(utc.stdout)")
        #expect(local.stdout.contains("+05:30"), "\(local.stdout)")
    }
}
