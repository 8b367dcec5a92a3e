import Foundation
import Testing
import TokenWardenCore
import TokenWardenSimulator
import TokenWardenTestSupport

/// An admin's `revoke` and `rotate` as the audit trail and the provider see them: suspensions hold
/// for people too, every manual write names who asked, nothing is asked twice, and an unusable
/// delivery target costs the provider nothing.
@Suite struct ManualActionTests {
    @Test func anExemptionStopsAManualRevokeUntilOverriddenWithAReason() async throws {
        let (simulator, dir, config) = try await RevokeCommandTests().synced()
        let exempt = try await BuiltProduct.run(["exempt", "sim-awx/3", "--reason", "break-glass, IAM team", "--config", config])
        let refused = try await BuiltProduct.run(["revoke", "sim-awx/3", "--yes", "--config", config])
        let afterRefusal = await simulator.provider(.awx).deleteRequests
        let reasonless = try await BuiltProduct.run(["revoke", "sim-awx/3", "--yes", "--override-suspension", "--config", config])
        let overridden = try await BuiltProduct.run(
            ["revoke", "sim-awx/3", "--yes", "--override-suspension", "--reason", "leaked in CHG-77", "--config", config])
        let history = try await BuiltProduct.run(["history", "sim-awx/3", "--config", config])
        let live = await simulator.provider(.awx).tokens.contains { $0.id == "3" }
        await simulator.stop()
        _ = dir
        #expect(exempt.status == 0, "\(exempt.stderr)")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("sim-awx/3 is exempt (by "), "\(refused.stderr)")
        #expect(refused.stderr.contains("break-glass, IAM team") && refused.stderr.contains("--override-suspension --reason TEXT"))
        #expect(afterRefusal == 0, "the provider was not asked")
        #expect(reasonless.status == 2 && reasonless.stderr.contains("--override-suspension needs --reason"))
        #expect(overridden.status == 0, "\(overridden.stderr)")
        #expect(!live)
        #expect(history.stdout.contains("override-exempt (admin)"), "\(history.stdout)")
        #expect(history.stdout.contains("revoke despite exempt") && history.stdout.contains("leaked in CHG-77"))
    }

    @Test func aSnoozeStopsAManualRotateAndNothingIsCreated() async throws {
        let (simulator, dir, config) = try await RevokeCommandTests().synced()
        let snooze = try await BuiltProduct.run(
            ["snooze", "sim-awx/2", "--until", "30d", "--reason", "vendor renews it", "--config", config])
        let refused = try await BuiltProduct.run(
            ["rotate", "sim-awx/2", "--yes", "--deliver-file", dir.subpath("x.token"), "--config", config])
        let creates = await simulator.provider(.awx).createRequests
        await simulator.stop()
        #expect(snooze.status == 0, "\(snooze.stderr)")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("sim-awx/2 is snoozed until ") && refused.stderr.contains("vendor renews it"), "\(refused.stderr)")
        #expect(creates == 0)
    }

    @Test func aManualRevokeNamesWhoAskedAndARevokedTokenIsNotRevokedAgain() async throws {
        let (simulator, dir, config) = try await RevokeCommandTests().synced()
        let first = try await BuiltProduct.run(["revoke", "sim-awx/4", "--yes", "--json", "--config", config])
        let deletesAfterFirst = await simulator.provider(.awx).deleteRequests
        let second = try await BuiltProduct.run(["revoke", "sim-awx/4", "--yes", "--json", "--config", config])
        let deletesAfterSecond = await simulator.provider(.awx).deleteRequests
        let history = try await BuiltProduct.run(["history", "sim-awx/4", "--json", "--config", config])
        await simulator.stop()
        _ = dir
        #expect(first.status == 0, "\(first.stderr)")
        let firstJSON = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        #expect(firstJSON["outcome"] as? String == "revoked" && firstJSON["id"] as? String == "4" && firstJSON["error"] is NSNull)
        #expect(second.status == 0, "\(second.stderr)")
        let secondJSON = try #require(try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: Any])
        #expect(secondJSON["outcome"] as? String == "already_revoked")
        #expect(deletesAfterFirst == 1 && deletesAfterSecond == 1, "the provider was asked once")
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]])
        let revokes = entries.filter { $0["event"] as? String == "revoke" }
        #expect(revokes.count == 1, "\(entries)")
        let name = try #require(getpwuid(getuid())).pointee.pw_name.map { String(cString: $0) } ?? ""
        #expect((revokes.first?["detail"] as? String)?.contains("revoked by \(name) (uid \(getuid()))") == true, "\(revokes)")
        #expect(revokes.first?["actor_uid"] as? Int == Int(getuid()))
    }

    @Test func anUnusableDeliveryTargetIsRefusedBeforeAnythingIsCreated() async throws {
        let (simulator, dir, config) = try await RevokeCommandTests().synced()
        let old = try #require(await simulator.provider(.awx).tokens.first { ($0.expiresAt ?? .distantFuture) > Date() })
        try await SimulatorSetup.addOwner(old.owner ?? "", kind: .awx, of: simulator, config: config)
        let missing = try await BuiltProduct.run(
            ["rotate", "sim-awx/\(old.id)", "--yes", "--deliver-file", "/nonexistent-dir/x.token", "--config", config])
        try dir.write("file-not-dir", "")
        let notADirectory = try await BuiltProduct.run(
            ["rotate", "sim-awx/\(old.id)", "--yes", "--deliver-file", dir.subpath("file-not-dir/x.token"), "--config", config])
        let provider = simulator.provider(.awx)
        let (creates, deletes) = (await provider.createRequests, await provider.deleteRequests)
        await simulator.stop()
        #expect(missing.status == 1)
        #expect(
            missing.stderr.contains("cannot deliver to /nonexistent-dir/x.token: its directory /nonexistent-dir cannot be used"), "\(missing.stderr)")
        #expect(missing.stderr.contains("nothing was created at sim-awx"))
        #expect(notADirectory.status == 1 && notADirectory.stderr.contains("is not a directory"), "\(notADirectory.stderr)")
        #expect(creates == 0 && deletes == 0)
    }

    /// `sudo tokenwarden rotate` works as the service's user, which cannot give a file to another
    /// owner: a rule's `deliver.owner` is tried before the create, not found out after it.
    @Test(.enabled(if: getuid() == 0 && getpwnam("nobody") != nil, "only root changes user"))
    func aDeliveryOwnerTheWriterCannotGiveFilesToIsRefusedBeforeTheCreate() async throws {
        let simulator = try await ProviderSimulator.start(.init(tokensPerProvider: 5))
        let dir = try TemporaryDirectory()
        let config = try SimulatorSetup.write(for: simulator, into: dir.subpath("sim"))
        let nobody = try #require(getpwnam("nobody")?.pointee)
        #expect(chmod(dir.path, 0o711) == 0 && chmod(dir.subpath("sim"), 0o711) == 0)
        try FileManager.default.createDirectory(atPath: dir.subpath("sim/state"), withIntermediateDirectories: false)
        try FileManager.default.createDirectory(atPath: dir.subpath("out"), withIntermediateDirectories: false)
        #expect(chown(dir.subpath("sim/state"), nobody.pw_uid, nobody.pw_gid) == 0)
        #expect(chown(dir.subpath("out"), nobody.pw_uid, nobody.pw_gid) == 0)
        try dir.write(
            "sim/policies.d/10.toml",
            "[[rule]]\nname = \"r\"\nwhen.age_over = \"3650d\"\naction = \"rotate\"\ndeliver = { file = "
                + "\"\(dir.subpath("out/t"))\", owner = \"root\" }\n"
        )
        let sync = try await BuiltProduct.run(["sync", "--config", config])
        let old = try #require(await simulator.provider(.awx).tokens.first { ($0.expiresAt ?? .distantFuture) > Date() })
        let refused = try await BuiltProduct.run(["rotate", "sim-awx/\(old.id)", "--yes", "--config", config])
        let creates = await simulator.provider(.awx).createRequests
        await simulator.stop()
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("to uid 0, gid 0") && refused.stderr.contains("CAP_CHOWN"), "\(refused.stderr)")
        #expect(creates == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.subpath("out")).isEmpty, "the trial file is gone")
    }

    @Test func aManualRotationsHistoryReadsInCausalOrder() async throws {
        let (simulator, dir, config) = try await RevokeCommandTests().synced()
        let old = try #require(await simulator.provider(.awx).tokens.first { ($0.expiresAt ?? .distantFuture) > Date() })
        try await SimulatorSetup.addOwner(old.owner ?? "", kind: .awx, of: simulator, config: config)
        try FileManager.default.createDirectory(atPath: dir.subpath("out"), withIntermediateDirectories: true)
        let rotate = try await BuiltProduct.run(
            ["rotate", "sim-awx/\(old.id)", "--yes", "--json", "--deliver-file", dir.subpath("out/t"), "--overlap", "0s", "--config", config])
        let history = try await BuiltProduct.run(["history", "sim-awx/\(old.id)", "--config", config])
        await simulator.stop()
        #expect(rotate.status == 0, "\(rotate.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(rotate.stdout.utf8)) as? [String: Any])
        #expect(json["outcome"] as? String == "done" && (json["rotation"] as? [String: Any])?["state"] as? String == "done")
        let lines = history.stdout.split(separator: "\n").map(String.init)
        let planned = try #require(lines.firstIndex { $0.contains("rotation planned") || $0.contains(" planned ") })
        let concluded = try #require(lines.firstIndex { $0.contains("rotate (manual): succeeded") }, "\(history.stdout)")
        let done = try #require(lines.firstIndex { $0.contains(" done") })
        #expect(planned < done && done < concluded, "\(history.stdout)")
    }
}
