import Foundation
import Testing
import TokenWardenCore
import TokenWardenSimulator
import TokenWardenTestSupport

/// `tokenwarden pause` and `resume` as an admin runs them: the brake holds the next sync's
/// revoke, `status` says who pulled it, and a bad rule window is refused where it is written.
@Suite struct PauseCommandTests {
    static let revokePolicy = """
        [[rule]]
        name = "revoke-all"
        match.provider = "sim-awx"
        when.age_over = "1d"
        action = "revoke"
        """

    @Test func aPauseHoldsTheSyncsRevokesStatusSaysWhoAndResumeLetsThemGo() async throws {
        let (simulator, dir, config) = try await RevokeCommandTests().synced(selfTokenID: "999999")
        try dir.write("sim/policies.d/20-revoke.toml", Self.revokePolicy)
        let enforcing = try String(contentsOfFile: config, encoding: .utf8).replacingOccurrences(of: "enforce = false", with: "enforce = true")
        try enforcing.write(toFile: config, atomically: true, encoding: .utf8)
        let pause = try await BuiltProduct.run(
            ["pause", "--provider", "sim-awx", "--until", "2d", "--reason", "CHG-2211 freeze", "--config", config])
        let typo = try await BuiltProduct.run(["pause", "--provider", "sim-awz", "--reason", "x", "--config", config])
        let forever = try await BuiltProduct.run(["pause", "--until", "99999999999999999s", "--reason", "x", "--config", config])
        let sync = try await BuiltProduct.run(["sync", "--config", config])
        let deletesWhilePaused = await simulator.provider(.awx).deleteRequests
        let plan = try await BuiltProduct.run(["plan", "--config", config])
        let status = try await BuiltProduct.run(["status", "--json", "--config", config])
        let statusText = try await BuiltProduct.run(["status", "--config", config])
        let manual = try await BuiltProduct.run(["revoke", "sim-awx/3", "--yes", "--config", config])
        let resume = try await BuiltProduct.run(["resume", "--reason", "freeze over", "--config", config])
        let again = try await BuiltProduct.run(["resume", "--reason", "twice", "--config", config])
        _ = try await BuiltProduct.run(["sync", "--config", config])
        let afterResume = try await BuiltProduct.run(["status", "--config", config])
        let deletesAfter = await simulator.provider(.awx).deleteRequests
        await simulator.stop()

        #expect(pause.status == 0, "\(pause.stderr)")
        #expect(pause.stdout.hasPrefix("paused writes to provider sim-awx until "), "\(pause.stdout)")
        #expect(forever.status == 2 && forever.stderr.contains("more than 100 years away"), "\(forever.stderr)")
        #expect(typo.status == 2 && typo.stderr.contains("did you mean \"sim-awx\"?"), "\(typo.stderr)")
        #expect(sync.stdout.contains("writes are paused since"), "\(sync.stdout)")
        #expect(deletesWhilePaused == 0, "nothing revoked at the paused provider")
        #expect(
            plan.stdout.contains("[held: writes are paused since") && plan.stdout.contains("`tokenwarden resume --reason TEXT` ends it")
                && plan.stdout.contains("PAUSED: writes to provider sim-awx"), "\(plan.stdout)")
        #expect(statusText.stdout.contains("PAUSED: writes to provider sim-awx since "), "\(statusText.stdout)")
        #expect(statusText.stdout.contains(": CHG-2211 freeze (polling and notices go on)"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let paused = try #require(json["paused"] as? [[String: Any]])
        #expect(paused.count == 1)
        #expect(paused.first?["provider"] as? String == "sim-awx" && paused.first?["reason"] as? String == "CHG-2211 freeze")
        #expect(paused.first?["until"] is String && paused.first?["by"] is String)
        #expect(manual.status == 0 && manual.stderr.contains("this manual revoke of sim-awx/3 goes ahead"), "\(manual.stderr)")
        #expect(resume.status == 0 && resume.stdout.hasPrefix("resumed writes to provider sim-awx"), "\(resume.stdout)\(resume.stderr)")
        #expect(again.status == 1 && again.stderr.contains("no pause of any provider to end"), "\(again.stderr)")
        #expect(deletesAfter > 0, "resumed, the next sync revokes")
        #expect(afterResume.stdout.contains("last pause: writes to provider sim-awx paused since "), "\(afterResume.stdout)")
        #expect(afterResume.stdout.contains(": freeze over"))
    }

    @Test func aBadWindowIsRefusedWithItsFileAndLine() async throws {
        let setup = try CLITests.Setup(
            policy: """
                [[rule]]
                name = "office-hours"
                when.expires_within = "14d"
                action = "notify"
                window = ["Mon-Fri 09:00-17:00", "Sat 18:00-10:00"]
                """)
        let validate = try await setup.run("validate")
        let sync = try await setup.run("sync")
        #expect(validate.status == 2)
        #expect(
            validate.stdout.contains("10-baseline.toml:5") || validate.stderr.contains("10-baseline.toml:5"), "\(validate.stdout)\(validate.stderr)")
        #expect((validate.stdout + validate.stderr).contains("\"18:00-10:00\" in \"Sat 18:00-10:00\" ends before it starts"))
        #expect(sync.status == 2 && sync.stderr.contains("ends before it starts"), "\(sync.stderr)")
        try setup.dir.write(
            "policies.d/10-baseline.toml",
            """
            [[rule]]
            name = "office-hours"
            when.expires_within = "14d"
            action = "notify"
            window = ["Mon-Fri 09:00-17:00", "Sat 10:00-12:00"]
            """)
        let fixed = try await setup.run("validate")
        #expect(fixed.stdout.contains("; only Mon-Fri 09:00-17:00, Sat 10:00-12:00 (host time)"), "\(fixed.stdout)\(fixed.stderr)")
    }
}
