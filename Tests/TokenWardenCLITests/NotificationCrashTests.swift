import Foundation
import Testing
import TokenWardenCore
import TokenWardenLifecycle
import TokenWardenSimulator
import TokenWardenTestSupport

extension SubprocessSuites {
    /// `tokenwarden sync` killed with SIGKILL around sending a notification: the next run sends the
    /// same message, with the same idempotency key, so the receiver takes it exactly once by key.
    @Suite struct NotificationCrashTests {
        @Test(arguments: [CrashPoint.beforeSend, .afterSend])
        func aMessageSurvivesAKillAndIsSentAgainWithItsKey(point: CrashPoint) async throws {
            let simulator = try await ProviderSimulator.start(.init(tokensPerProvider: 0))
            let created = Date().addingTimeInterval(-30 * 86_400)
            await simulator.provider(.awx).replaceTokens([
                ObservedToken(id: "7", name: "deploy-bot", owner: "alice", createdAt: created, expiresAt: Date().addingTimeInterval(5 * 86_400))
            ])
            let dir = try TemporaryDirectory()
            let config = try SimulatorSetup.write(for: simulator, into: dir.subpath("sim"), kinds: [.awx])
            let text =
                try String(contentsOfFile: config, encoding: .utf8)
                + "\n[[notifier]]\nid = \"ops\"\nkind = \"webhook\"\nurl = \"\(simulator.webhookURL("ops"))\"\n"
            try Data(text.utf8).write(to: URL(fileURLWithPath: config))
            try dir.write(
                "sim/policies.d/10.toml", "[[rule]]\nname = \"warn\"\nwhen.expires_within = \"7d\"\naction = \"notify\"\nnotify.to = [\"ops\"]\n")

            let killed = try await BuiltProduct.run(["sync", "--config", config], environment: ["TOKENWARDEN_TEST_CRASH_AT": point.rawValue])
            let pending = try await BuiltProduct.run(["outbox", "--config", config, "--json"])
            let afterKill = await simulator.webhook.received
            let again = try await BuiltProduct.run(["sync", "--config", config])
            let sent = try await BuiltProduct.run(["outbox", "--config", config, "--all", "--json"])
            let received = await simulator.webhook.received
            await simulator.stop()

            #expect(killed.status != 0, "killed at \(point.rawValue)")
            let queued = try #require(try JSONSerialization.jsonObject(with: Data(pending.stdout.utf8)) as? [[String: Any]])
            #expect(queued.count == 1 && queued.first?["state"] as? String == "pending", "\(pending.stdout)")
            let key = try #require(queued.first?["idempotency_key"] as? String)
            #expect(afterKill.count == (point == .afterSend ? 1 : 0))
            #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(sent.stdout.utf8)) as? [[String: Any]])
            #expect(rows.map { $0["state"] as? String } == ["sent"] && rows.first?["idempotency_key"] as? String == key)
            let keys = received.map { $0.headers["x-tokenwarden-idempotency-key"] }
            #expect(Set(keys) == [key], "every delivery is the one message: \(keys)")
            #expect(received.count == (point == .afterSend ? 2 : 1), "at least once: repeated only when the kill came after the send")
        }
    }
}
