import Foundation
import Testing
import TokenWardenCore
import TokenWardenJournal
import TokenWardenTestSupport

extension SubprocessSuites {
    /// The daemon's events as native journal entries, read back from a real journald with journalctl.
    @Suite struct JournalReportingTests {
        @Test func theDemoWritesStructuredEntriesWithMessageIDsAndNoSecret() async throws {
            try Journald.ensureRunning()
            let dir = try TemporaryDirectory()
            let ranAt = Date()
            let demo = try await BuiltProduct.run([
                "demo", "--cycles", "1", "--tokens", "30", "--interval", "1", "--log-format", "journal",
                "--directory", dir.subpath("demo"),
            ])
            #expect(demo.status == 0, "\(demo.stderr)")
            let pid = demo.pid

            let stopping = JournalEvent.Kind.daemonStopping.messageID
            let lines = try await BuiltProduct.offThePool { try Journald.entries(["_PID=\(pid)"], since: ranAt, until: { $0.contains(stopping) }) }
            let entries = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            func first(_ event: JournalEvent.Kind) -> [String: Any]? { entries.first { $0["MESSAGE_ID"] as? String == event.messageID } }

            let started = try #require(first(.daemonStarted), "\(entries.count) entries")
            #expect(started["SYSLOG_IDENTIFIER"] as? String == "tokenwarden")
            #expect(started["PRIORITY"] as? String == "5")
            #expect((started["MESSAGE"] as? String)?.hasPrefix("tokenwarden started: 6 providers, 3 rules, enforcing") == true)
            #expect((started["CODE_FILE"] as? String)?.hasSuffix("PollingService.swift") == true)
            #expect(started["CODE_FUNC"] != nil && started["CODE_LINE"] != nil)

            let revoked = try #require(first(.tokenRevoked))
            #expect(revoked["TOKENWARDEN_RULE"] as? String == "revoke-unused-ci")
            #expect(revoked["TOKENWARDEN_ACTION"] as? String == "revoke")
            #expect((revoked["TOKENWARDEN_PROVIDER"] as? String)?.hasPrefix("sim-") == true)
            #expect((revoked["TOKENWARDEN_TOKEN_NAME"] as? String)?.hasPrefix("ci-") == true)
            #expect(revoked["TOKENWARDEN_TOKEN_ID"] != nil)
            let polled = try #require(first(.pollSucceeded))
            #expect(polled["PRIORITY"] as? String == "6")
            #expect(first(.tokenNotified)?["TOKENWARDEN_EXPIRES_AT"] != nil)
            #expect(first(.daemonStopping) != nil)
            #expect(first(.rotationDelivered)?["TOKENWARDEN_TOKEN_NAME"] as? String == "deploy-bot-1")

            // No credential the demo wrote and no secret it delivered is in any entry.
            let files = try FileManager.default.contentsOfDirectory(atPath: dir.subpath("demo"))
            let secrets = try files.filter { $0.hasSuffix(".credential") || $0.hasSuffix(".token") }.map { name in
                let content = try String(contentsOfFile: dir.subpath("demo/\(name)"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
                return String(content.split(separator: ":").last ?? Substring(content))
            }
            // Six provider credentials, the rotated token's owner's credential, and the delivered token.
            #expect(secrets.count == 8, "\(files)")
            let journal = lines.joined(separator: "\n")
            for secret in secrets { #expect(!journal.contains(secret)) }
        }
    }

    @Suite struct ManualActionJournalTests {
        /// A manual sync leaves the poll entries a daemon cycle leaves: one per provider, failures counted.
        @Test func anAdminsSyncJournalsEveryPollOutcome() async throws {
            try Journald.ensureRunning()
            let (simulator, dir, config) = try await RevokeCommandTests().synced()
            try dir.write("sim/awx.credential", "no-longer-valid\n", mode: 0o600)  // AWX now answers 401
            let ranAt = Date()
            let sync = try await BuiltProduct.run(["sync", "--config", config])
            await simulator.stop()
            #expect(sync.status == 1)
            let failed = JournalEvent.Kind.pollFailed.messageID
            let succeeded = JournalEvent.Kind.pollSucceeded.messageID
            let lines = try await BuiltProduct.offThePool {
                try Journald.entries(
                    ["_PID=\(sync.pid)"], since: ranAt,
                    until: { text in
                        text.contains(failed) && text.components(separatedBy: succeeded).count > 5
                    })
            }
            let entries = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            let polled = Set(entries.filter { $0["MESSAGE_ID"] as? String == succeeded }.compactMap { $0["TOKENWARDEN_PROVIDER"] as? String })
            #expect(polled == Set(ProviderKind.allCases.filter { $0 != .awx }.map { "sim-\($0.rawValue)" }), "\(polled)")
            let failure = try #require(entries.first { $0["MESSAGE_ID"] as? String == failed })
            #expect(failure["TOKENWARDEN_PROVIDER"] as? String == "sim-awx")
            #expect((failure["MESSAGE"] as? String)?.hasPrefix("provider sim-awx failed (1 in a row): ") == true, "\(failure["MESSAGE"] ?? "")")
            #expect(failure["PRIORITY"] as? String == "3")
            // Neither the refused credential nor any credential in use (or its secret half) is journalled.
            let planted =
                ["no-longer-valid"]
                + ProviderKind.allCases.filter { $0 != .awx }.flatMap { kind in
                    let credential = simulator.provider(kind).credential
                    return [credential, String(credential.split(separator: ":").last ?? Substring(credential))]
                }
            for secret in planted { #expect(!lines.joined().contains(secret), "the journal holds a credential") }
        }

        @Test func anAdminsRevokeIsInTheJournalToo() async throws {
            try Journald.ensureRunning()
            let (simulator, dir, config) = try await RevokeCommandTests().synced()
            let ranAt = Date()
            let revoke = try await BuiltProduct.run(["revoke", "sim-awx/4", "--yes", "--config", config])
            let pid = revoke.pid
            await simulator.stop()
            _ = dir
            #expect(revoke.status == 0, "\(revoke.stderr)")
            let revoked = JournalEvent.Kind.tokenRevoked.messageID
            let lines = try await BuiltProduct.offThePool { try Journald.entries(["_PID=\(pid)"], since: ranAt, until: { $0.contains(revoked) }) }
            let entry = try #require(
                lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
                    .first { $0["MESSAGE_ID"] as? String == revoked })
            #expect(entry["TOKENWARDEN_PROVIDER"] as? String == "sim-awx")
            #expect(entry["TOKENWARDEN_TOKEN_ID"] as? String == "4")
            #expect(entry["MESSAGE"] as? String == "revoked sim-awx/4 \"\(entry["TOKENWARDEN_TOKEN_NAME"] as? String ?? "")\"")
        }
    }
}
