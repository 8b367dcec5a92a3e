import Foundation
import Testing
import TokenWardenCore
import TokenWardenSimulator
import TokenWardenTestSupport

/// `tokenwarden approvals`, `approve` and `deny` as an admin runs them against a synced simulator.
@Suite struct ApprovalCommandTests {
    @Test func anAdminListsApprovesAndDeniesAndOnlyTheApprovedIsRevoked() async throws {
        let (simulator, dir, config) = try await RevokeCommandTests().synced(selfTokenID: "999999")
        try dir.write(
            "sim/policies.d/20-approve.toml",
            """
            [[rule]]
            name = "revoke-with-approval"
            match.provider = "sim-awx"
            when.age_over = "1d"
            action = "revoke"
            approve = true
            notify.to = ["ops"]
            """)
        let text = try String(contentsOfFile: config, encoding: .utf8).replacingOccurrences(of: "enforce = false", with: "enforce = true")
        try (text + "\n[[notifier]]\nid = \"ops\"\nkind = \"command\"\ncommand = [\"/bin/true\"]\n").write(
            toFile: config, atomically: true, encoding: .utf8)
        let validate = try await BuiltProduct.run(["validate", "--config", config])
        let asked = try await BuiltProduct.run(["sync", "--config", config])
        let listed = try await BuiltProduct.run(["approvals", "--config", config])
        let json = try await BuiltProduct.run(["approvals", "--json", "--config", config])
        let approve = try await BuiltProduct.run(["approve", "sim-awx/3", "--reason", "owner agreed", "--yes", "--config", config])
        let deny = try await BuiltProduct.run(["deny", "sim-awx/4", "--reason", "still in use", "--action", "revoke", "--yes", "--config", config])
        // The rule runs on sim-awx only: a token of another provider has no approval to answer.
        let tokens = try await BuiltProduct.run(["tokens", "--provider", "sim-synergy", "--json", "--config", config])
        let other = try #require((try JSONSerialization.jsonObject(with: Data(tokens.stdout.utf8)) as? [[String: Any]])?.first?["id"] as? String)
        let wrongRule = try await BuiltProduct.run(["approve", "sim-awx/2", "--reason", "x", "--rule", "other", "--yes", "--config", config])
        let byName = try await BuiltProduct.run(["approve", "some-name", "--reason", "x", "--yes", "--config", config])
        let nothing = try await BuiltProduct.run(["approve", "sim-synergy/\(other)", "--reason", "x", "--yes", "--config", config])
        _ = try await BuiltProduct.run(["sync", "--config", config])
        let live = await simulator.provider(.awx).tokens.map(\.id)
        let history = try await BuiltProduct.run(["history", "sim-awx/4", "--config", config])
        let forecast = try await BuiltProduct.run(["forecast", "--json", "--config", config])
        await simulator.stop()

        // No credential reaches what these commands print, nor the database (outbox payloads included).
        var secrets: [String] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: dir.subpath("sim")) where file.hasSuffix(".credential") {
            let text = try String(contentsOfFile: dir.subpath("sim/" + file), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            secrets.append(text)
            // A pair (SailPoint's client id:secret): the secret alone too; the id is a token's id, public.
            let parts = text.split(separator: ":")
            if parts.count == 2 { secrets.append(String(parts[1])) }
        }
        #expect(!secrets.isEmpty)
        let printed = [asked, listed, json, approve, deny, history, forecast].map { $0.stdout + $0.stderr }.joined()
        let database = try ["", "-wal"].compactMap { suffix -> Data? in
            let path = dir.subpath("sim/state/tokenwarden.sqlite" + suffix)
            return FileManager.default.fileExists(atPath: path) ? try Data(contentsOf: URL(fileURLWithPath: path)) : nil
        }
        #expect(!database.isEmpty)
        for secret in secrets {
            #expect(!printed.contains(secret), "a credential was printed")
            #expect(!database.contains { $0.range(of: Data(secret.utf8)) != nil }, "a credential is in the database")
        }

        #expect(
            validate.stdout.contains("revoke-with-approval: revoke to ops when older than 1d; on sim-awx; each write waits for"), "\(validate.stdout)"
        )
        #expect(asked.stdout.contains("waits for a person's approval to be revoked"), "\(asked.stdout)")
        #expect(listed.stdout.contains("sim-awx/3") && listed.stdout.contains("pending"), "\(listed.stdout)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(rows.contains { $0["token"] as? String == "sim-awx/3" && $0["state"] as? String == "pending" && $0["decided_by"] is NSNull })
        #expect(approve.status == 0 && approve.stdout.hasPrefix("approved the revoke of sim-awx/3 "), "\(approve.stdout)\(approve.stderr)")
        #expect(deny.status == 0 && deny.stdout.hasPrefix("denied the revoke of sim-awx/4"), "\(deny.stdout)\(deny.stderr)")
        #expect(nothing.status == 1 && nothing.stderr.contains("no approval is asked for sim-synergy/"), "\(nothing.stderr)")
        #expect(wrongRule.status == 1 && wrongRule.stderr.contains("by rule revoke-with-approval"), "\(wrongRule.stderr)")
        #expect(wrongRule.stderr.contains("not one by rule other"))
        #expect(byName.status == 2 && byName.stderr.contains("give the token as PROVIDER/ID"), "\(byName.stderr)")
        #expect(!live.contains("3"), "approved: revoked")
        #expect(live.contains("2"), "not approved: kept")
        #expect(live.contains("4"), "denied: kept")
        #expect(history.stdout.contains("deny (admin)") && history.stdout.contains("still in use"), "\(history.stdout)")
    }
}
