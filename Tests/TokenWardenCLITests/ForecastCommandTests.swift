import Foundation
import Testing
import TokenWardenTestSupport

/// `tokenwarden forecast` as an admin runs it: what is due now first, then the weeks ahead.
@Suite struct ForecastCommandTests {
    @Test func theForecastSaysWhatIsDueNowThenWeekByWeek() async throws {
        let (simulator, dir, config) = try await RevokeCommandTests().synced()
        try dir.write("sim/policies.d/20-old.toml", "[[rule]]\nname = \"old\"\nwhen.age_over = \"1d\"\naction = \"revoke\"\n")
        let text = try await BuiltProduct.run(["forecast", "--weeks", "4", "--config", config])
        let json = try await BuiltProduct.run(["forecast", "--weeks", "4", "--json", "--config", config])
        let plan = try await BuiltProduct.run(["plan", "--json", "--config", config])
        await simulator.stop()
        #expect(text.status == 0, "\(text.stderr)")
        let lines = text.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("due now, before these weeks: ") == true, "\(text.stdout)")
        #expect(lines.contains { $0.hasPrefix("WEEK OF") })
        #expect(lines.filter { $0.range(of: #"^\d{4}-\d{2}-\d{2} "#, options: .regularExpression) != nil }.count == 4)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let decisions = try #require(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [[String: Any]])
        let writes = decisions.filter { $0["action"] as? String != "notify" && $0["hold"] is NSNull }.count
        #expect(writes > 0, "the simulator's tokens are older than a day")
        #expect(object["due_now"] as? Int == writes, "the same count as plan's")
        #expect((object["weeks"] as? [Any])?.count == 4)
    }
}
