import Foundation
import Testing
import TokenWardenCore
import TokenWardenJournal
import TokenWardenSimulator
import TokenWardenTestSupport

extension SubprocessSuites {
    /// An upgrade in place under a real systemd: an older package running with an admin's edited
    /// configuration and a filled store, then the package under test installed over it with `dpkg -i`.
    ///
    /// Two older packages:
    /// - the previous release, built from its own tree (packaging/debian/previous-release, which
    ///   `make test` builds with build-previous): its binary fills the store, dpkg runs its prerm,
    ///   and the new binary migrates what it wrote;
    /// - this build's binary packed as 0.1.0: this tree's own maintainer scripts on both sides, as
    ///   the next release will find them.
    @Suite struct PackageUpgradeTests {
        enum Older: String, CaseIterable, CustomTestStringConvertible {
            case previousRelease = "the previous release"
            case thisBuild = "this build as 0.1.0"
            var testDescription: String { rawValue }
        }

        /// Where `make test` has build-previous put the previous release's package.
        static let previousRelease = URL(fileURLWithPath: PackagingTests.packaging).deletingLastPathComponent().path + "/build/previous"

        @Test(
            .enabled(if: NspawnContainer.unavailable == nil, Comment(rawValue: NspawnContainer.unavailable ?? "")),
            arguments: Older.allCases)
        func aNewerPackageRestartsTheServiceAndKeepsTheStoreTheAuditTrailAndTheAdminsFiles(from older: Older) async throws {
            let simulator = try await ProviderSimulator.start(.init(tokensPerProvider: 0))
            let created = Date().addingTimeInterval(-100 * 86_400)
            await simulator.provider(.awx).replaceTokens(
                ["910": "deploy-bot", "911": "old-ci", "912": "reporting"].map { id, name in
                    ObservedToken(
                        id: id, name: name, owner: SimulatedAccount.mainOwner(of: .awx), scopes: ["write"], createdAt: created,
                        expiresAt: created.addingTimeInterval(365 * 86_400))
                })
            let out = try TemporaryDirectory()
            let olderPackage =
                switch older {
                case .previousRelease: try Self.previousReleasePackage()
                case .thisBuild: try await PackageUnderTest.build(into: out.subpath("old"), version: "0.1.0")
                }
            let newer = try await PackageUnderTest.path()
            await PackageUnderSystemdTests.inBootedContainer { container in
                try await upgrade(container, from: olderPackage, to: newer, simulator: simulator, olderIsPreviousRelease: older == .previousRelease)
            }
            await simulator.stop()
        }

        /// The package build-previous made, from the commit previous-release names.
        static func previousReleasePackage() throws -> String {
            let commit = try String(contentsOfFile: PackagingTests.packaging + "/debian/previous-release", encoding: .utf8)
                .split(separator: "\n").first { !$0.hasPrefix("#") && !$0.isEmpty }
            let built = try? String(contentsOfFile: previousRelease + "/commit", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            let name = (try? FileManager.default.contentsOfDirectory(atPath: previousRelease))?.first { $0.hasPrefix("tokenwarden_") }
            guard let commit, built == String(commit), let name else {
                throw NspawnContainer.Failure(
                    "no package of the previous release \(commit ?? "?") in \(previousRelease): "
                        + "run packaging/debian/build-previous build/previous (make test does)")
            }
            return previousRelease + "/" + name
        }

        func upgrade(
            _ container: NspawnContainer, from older: String, to newer: String, simulator: ProviderSimulator, olderIsPreviousRelease: Bool
        ) async throws {
            let root = container.root
            try FileManager.default.copyItem(atPath: older, toPath: root + "/root/old.deb")
            try FileManager.default.copyItem(atPath: newer, toPath: root + "/root/new.deb")
            let install = try container.run("dpkg -i /root/old.deb")
            try #require(install.status == 0, "\(install.output)")
            if olderIsPreviousRelease {
                // That release's own binary: every build called itself 0.1.0 then.
                #expect(try container.run("tokenwarden --version").output == "0.1.0\n")
            }

            // Configured as an admin does: a credential through LoadCredential=, the shipped files edited.
            try FileManager.default.createDirectory(
                atPath: root + "/etc/tokenwarden/credentials", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            guard
                FileManager.default.createFile(
                    atPath: root + "/etc/tokenwarden/credentials/sim-awx", contents: Data((simulator.provider(.awx).credential + "\n").utf8),
                    attributes: [.posixPermissions: 0o600])
            else { throw NspawnContainer.Failure("cannot write the credential") }
            try FileManager.default.createDirectory(atPath: root + "/etc/systemd/system/tokenwarden.service.d", withIntermediateDirectories: true)
            try Data("[Service]\nLoadCredential=sim-awx:/etc/tokenwarden/credentials/sim-awx\n".utf8)
                .write(to: URL(fileURLWithPath: root + "/etc/systemd/system/tokenwarden.service.d/credentials.conf"))
            let config = """
                # Edited by the admin before the upgrade.
                [daemon]
                poll_interval = "20s"

                [[provider]]
                id = "sim-awx"
                kind = "awx"
                base_url = "\(simulator.baseURL(for: .awx))"
                credential = "sim-awx"

                """
            try PackageUnderSystemdTests.rewrite(root + "/etc/tokenwarden/tokenwarden.toml", config)
            let policy = "[[rule]]\nname = \"warn\"\nwhen.expires_within = \"3650d\"\naction = \"notify\"\n"
            try PackageUnderSystemdTests.rewrite(root + "/etc/tokenwarden/policies.d/10-baseline.toml", policy)
            try PackageUnderSystemdTests.rewrite(root + "/etc/tokenwarden/policies.d/20-rotation.toml", "# No rotation on this host yet.\n")
            let start = try container.run("systemctl daemon-reload && systemctl enable --now tokenwarden && systemctl is-active tokenwarden")
            let startLog = start.status == 0 ? "" : try container.run("journalctl -u tokenwarden --no-pager").output
            try #require(start.status == 0, "\(start.output)\n\(startLog)")
            #expect(
                try await PackageUnderSystemdTests.until(container, "a poll") { entries in
                    entries.contains { $0["MESSAGE_ID"] as? String == JournalEvent.Kind.pollSucceeded.messageID }
                }, "no poll-succeeded entry within 90 s")
            // An audited action of the admin's, which the upgrade must keep.
            let snooze = try container.run("tokenwarden snooze sim-awx/911 --until 30d --reason 'vendor renews it'")
            try #require(snooze.status == 0, "\(snooze.output)")
            let before = try container.run(
                "systemctl show -p MainPID --value tokenwarden; tokenwarden tokens --json | grep -o '\"id\"' | wc -l; "
                    + "sha256sum /etc/tokenwarden/tokenwarden.toml /etc/tokenwarden/policies.d/10-baseline.toml")
            let beforeLines = before.output.split(separator: "\n").map(String.init)
            try #require(beforeLines.count == 4, "\(before.output)")
            #expect(beforeLines[1] == "3", "three tokens stored before the upgrade: \(before.output)")

            let upgrade = try container.run("dpkg -i /root/new.deb")
            #expect(upgrade.status == 0, "\(upgrade.output)")

            let version = try await DebianPackageTests.version()
            let after = try container.run(
                "dpkg-query -W -f '${Version}\\n' tokenwarden; systemctl is-active tokenwarden; systemctl show -p MainPID --value tokenwarden; "
                    + "tokenwarden tokens --json | grep -o '\"id\"' | wc -l; "
                    + "sha256sum /etc/tokenwarden/tokenwarden.toml /etc/tokenwarden/policies.d/10-baseline.toml")
            let afterLines = after.output.split(separator: "\n").map(String.init)
            try #require(afterLines.count == 6, "\(after.output)")
            #expect(afterLines[0] == version, "the newer package is installed: \(after.output)")
            #expect(afterLines[1] == "active")
            #expect(afterLines[2] != beforeLines[0] && afterLines[2] != "0", "postinst restarted the service: \(before.output)\n\(after.output)")
            #expect(afterLines[3] == "3", "every token is still in the store")
            #expect(Array(afterLines[4...5]) == Array(beforeLines[2...3]), "the admin's edited conffiles are untouched")
            // Commands open the store read-only, which refuses one with a migration not yet run
            // (recordApprovals and two more, for the previous release's store): it was migrated.
            let newTables = try container.run("tokenwarden approvals")
            #expect(newTables.status == 0, "\(newTables.output)")
            let history = try container.run("tokenwarden history sim-awx/911")
            #expect(history.output.contains("vendor renews it"), "the audited snooze survives: \(history.output)")
            let polledAfterRestart = try await PackageUnderSystemdTests.until(container, "a poll after the upgrade") { entries in
                func time(_ entry: [String: Any]) -> Int { Int(entry["__REALTIME_TIMESTAMP"] as? String ?? "") ?? 0 }
                let starts = entries.filter { $0["MESSAGE_ID"] as? String == JournalEvent.Kind.daemonStarted.messageID }.map(time)
                let polls = entries.filter { $0["MESSAGE_ID"] as? String == JournalEvent.Kind.pollSucceeded.messageID }.map(time)
                guard starts.count >= 2, let restart = starts.max() else { return false }
                return polls.contains { $0 > restart }
            }
            #expect(polledAfterRestart, "the restarted daemon polls")
            let errors = try container.run("journalctl -u tokenwarden -p err --no-pager -o cat")
            #expect(errors.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "nothing logs an error: \(errors.output)")
            try PackageUnderSystemdTests.expectACleanJournal(container)
        }
    }
}
