import Foundation
import Testing
import TokenWardenCore
import TokenWardenSimulator
import TokenWardenTestSupport

@testable import TokenWardenLifecycle

/// The metrics text of a real store after a real cycle: per-token series for tokens near their
/// expiry and for tokens a rule selects beyond it, each family whole (made in chunks of registries).
@Suite struct MetricsExpositionTests {
    @Test func perTokenSeriesCoverTheHorizonAndWhatARuleSelectsEachFamilyOnce() async throws {
        let now = Date().atMillisecondPrecision
        func token(_ id: Int, _ name: String, expiresInDays days: Double) -> ObservedToken {
            ObservedToken(
                id: "\(id)", name: name, owner: "admin", scopes: ["write"], createdAt: now.addingTimeInterval(-100 * 86_400),
                expiresAt: now.addingTimeInterval(days * 86_400), lastUsedAt: now.addingTimeInterval(-86_400))
        }
        // More near tokens than one registry chunk holds, twice over.
        let near = (1...(2 * MetricsExposition.chunk + 100)).map { token($0, "near-\($0)", expiresInDays: 10) }
        let far = [
            token(90_001, "far-1", expiresInDays: 200), token(90_002, "far-2", expiresInDays: 300), token(90_003, "other", expiresInDays: 250),
        ]
        let policy = """
            [[rule]]
            name = "far-notice"
            match.name = "far-*"
            when.age_over = "10d"
            action = "notify"
            """
        try await LifecycleHarness.with(kinds: [.awx], tokens: [.awx: near + far], policy: policy) { harness in
            // With metrics configured, a cycle keeps the tokens its rules select (not otherwise).
            var harness = harness
            let directory = try TemporaryDirectory()
            harness.configuration.metrics = MetricsSettings(textfile: directory.subpath("tokenwarden.prom"), horizon: .days(30))
            let report = try await harness.cycle()
            #expect(report.decided.selected["sim-awx"]?.count == 2)
            let configuration = harness.configuration
            let text = try MetricsTextfile.render(
                store: harness.store, configuration: configuration, rules: try LifecycleHarness.policies(of: configuration).rules,
                cycles: CycleMetrics(report), now: harness.clock.now)
            let lines = text.split(separator: "\n")
            // AWX reports no last use: only the expiry family.
            #expect(!text.contains("tokenwarden_token_last_used_timestamp_seconds"))
            for family in ["tokenwarden_token_expiry_timestamp_seconds"] {
                #expect(lines.filter { $0 == "# TYPE \(family) gauge" }.count == 1, "\(family)")
                #expect(lines.filter { $0.hasPrefix("# HELP \(family) ") }.count == 1, "\(family)")
                let series = lines.indices.filter { lines[$0].hasPrefix(family + "{") }
                #expect(series.count == near.count + 2, "\(family): the near tokens and the two a rule selects")
                // A family's series are contiguous, right after its TYPE line.
                let type = lines.firstIndex(of: "# TYPE \(family) gauge") ?? 0
                #expect(series.first == type + 1 && series.last == type + series.count, "\(family)")
            }
            for name in ["far-1", "far-2", "near-1", "near-\(near.count)"] {
                #expect(text.contains("tokenwarden_token_expiry_timestamp_seconds{") && text.contains(#"name="\#(name)""#), "\(name)")
            }
            #expect(!text.contains(#"name="other""#), "no rule selects it and it is beyond the horizon")
            #expect(lines.contains("tokenwarden_token_series_truncated 0.0"))
        }
    }
}
