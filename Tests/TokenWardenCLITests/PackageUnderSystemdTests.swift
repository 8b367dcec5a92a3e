import Foundation
import Testing
import TokenWardenCore
import TokenWardenJournal
import TokenWardenSimulator
import TokenWardenTestSupport

extension SubprocessSuites {
    /// The `.deb` under a real systemd: installed with `dpkg -i` into a booted container, configured by
    /// editing the shipped files in place as an admin would, then started, reloaded and stopped with
    /// `systemctl`, and its journal read back. The package once installed its config root:root 0640,
    /// which the service's own user could not read: it never started. Then two rotations inside the
    /// sandbox: one delivers a file to another user through the shipped deliver-owner drop-in, one hands
    /// the secret to a command that leaves a process behind.
    @Suite struct PackageUnderSystemdTests {
        static let kinds = ProviderKind.allCases
        /// `[metrics] listen` in the container, which shares the host's network (the simulator is on its loopback).
        static let metricsPort = 19464

        @Test(.enabled(if: NspawnContainer.unavailable == nil, Comment(rawValue: NspawnContainer.unavailable ?? "")))
        func theInstalledServiceStartsPollsEveryProviderReloadsAndStopsCleanly() async throws {
            let simulator = try await ProviderSimulator.start(.init(tokensPerProvider: 10))
            let deb = try await PackageUnderTest.path()
            await Self.inBootedContainer { container in
                let config = try await drive(container, deb: deb, simulator: simulator)
                try await rotateInTheSandbox(container, config: config, simulator: simulator)
            }
            await simulator.stop()
        }

        /// Boots a container, runs `body` in it (recording what it throws), and always powers it off.
        static func inBootedContainer(_ body: (NspawnContainer) async throws -> Void) async {
            do {
                let container = try NspawnContainer()
                do {
                    try await BuiltProduct.offThePool { try container.waitUntilBooted() }
                    try await body(container)
                } catch {
                    Issue.record(error)
                }
                _ = try? await BuiltProduct.offThePool { container.stop() }
            } catch {
                Issue.record(error)
            }
        }

        /// Installs, configures, starts, reloads and stops; returns the config it wrote.
        func drive(_ container: NspawnContainer, deb: String, simulator: ProviderSimulator) async throws -> String {
            let root = container.root
            try FileManager.default.copyItem(atPath: deb, toPath: root + "/root/tokenwarden.deb")
            let install = try container.run("dpkg -i /root/tokenwarden.deb")
            try #require(install.status == 0, "\(install.output)")
            let shipped = try container.run("stat -c '%U:%G %a %n' /etc/tokenwarden/tokenwarden.toml /etc/tokenwarden/policies.d/*.toml").output
            #expect(shipped.split(separator: "\n").allSatisfy { $0.hasPrefix("root:tokenwarden 640 ") }, "\(shipped)")

            // The admin's edits, made as an editor makes them: the shipped files rewritten in place.
            var config = "[daemon]\npoll_interval = \"20s\"\n"
            var dropIn = "[Service]\n"
            try FileManager.default.createDirectory(
                atPath: root + "/etc/tokenwarden/credentials", withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
            for kind in Self.kinds {
                let name = "sim-\(kind.rawValue)"
                config +=
                    "\n[[provider]]\nid = \"\(name)\"\nkind = \"\(kind.rawValue)\"\nbase_url = "
                    + "\"\(simulator.baseURL(for: kind))\"\ncredential = \"\(name)\"\n"
                if kind == .cryptlex { config += "identity = \"\(SimulatedAccount.mainOwner(of: kind))\"\n" }
                let credential = root + "/etc/tokenwarden/credentials/" + name
                guard
                    FileManager.default.createFile(
                        atPath: credential, contents: Data((simulator.provider(kind).credential + "\n").utf8),
                        attributes: [.posixPermissions: 0o600])
                else { throw NspawnContainer.Failure("cannot write \(credential)") }
                dropIn += "LoadCredential=\(name):/etc/tokenwarden/credentials/\(name)\n"
            }
            // Mail through the system's sendmail (msmtp-mta, configured in /etc/msmtprc) to an SMTP
            // server on the host's loopback: under NoNewPrivileges= an MTA must not need setgid.
            let smtpDirectory = try TemporaryDirectory()
            let smtp = try MailNotificationTests.SMTPServer(in: smtpDirectory)
            try Data("defaults\nauth off\ntls off\naccount default\nhost 127.0.0.1\nport \(smtp.port)\nfrom tokenwarden@example.com\n".utf8)
                .write(to: URL(fileURLWithPath: root + "/etc/msmtprc"))
            config += "\n[[notifier]]\nid = \"mail\"\nkind = \"mail\"\nto = [\"ops@example.com\"]\n"
            // Metrics for node_exporter's textfile collector, through the shipped example drop-in.
            let metricsSetup = try container.run(
                """
                install -d -o root -g tokenwarden -m 0775 /var/lib/prometheus/node-exporter &&
                mkdir -p /etc/systemd/system/tokenwarden.service.d &&
                cp /usr/share/doc/tokenwarden/examples/metrics-textfile.conf /etc/systemd/system/tokenwarden.service.d/
                """)
            try #require(metricsSetup.status == 0, "\(metricsSetup.output)")
            // And the same text on loopback, which the shipped unit allows without a drop-in.
            config += "\n[metrics]\ntextfile = \"/var/lib/prometheus/node-exporter/tokenwarden.prom\"\nlisten = \"127.0.0.1:\(Self.metricsPort)\"\n"
            try Self.rewrite(root + "/etc/tokenwarden/tokenwarden.toml", config)
            try Self.rewrite(
                root + "/etc/tokenwarden/policies.d/10-baseline.toml",
                "[[rule]]\nname = \"warn-before-expiry\"\nwhen.expires_within = \"3650d\"\naction = \"notify\"\nnotify.to = [\"mail\"]\n")
            try Self.rewrite(root + "/etc/tokenwarden/policies.d/20-rotation.toml", "# No rotation on this host yet.\n")
            try FileManager.default.createDirectory(atPath: root + "/etc/systemd/system/tokenwarden.service.d", withIntermediateDirectories: true)
            try Data(dropIn.utf8).write(to: URL(fileURLWithPath: root + "/etc/systemd/system/tokenwarden.service.d/credentials.conf"))

            let start = try container.run("systemctl daemon-reload && systemctl start tokenwarden && systemctl is-active tokenwarden")
            let startLog = start.status == 0 ? "" : try container.run("journalctl -u tokenwarden --no-pager").output
            #expect(start.status == 0 && start.output.contains("active"), "\(start.output)\n\(startLog)")

            // Every provider polled, read back from the journal as JSON.
            let polled = try await Self.until(container, "every provider polled") { entries in
                let providers = Set(
                    entries.filter { $0["MESSAGE_ID"] as? String == JournalEvent.Kind.pollSucceeded.messageID }
                        .compactMap { $0["TOKENWARDEN_PROVIDER"] as? String })
                return providers.isSuperset(of: Self.kinds.map { "sim-\($0.rawValue)" })
            }
            #expect(polled, "not every provider's poll-succeeded entry was in the journal within 90 s")
            let mailed = try await Self.until(container, "a digest mailed") { entries in
                entries.contains { $0["MESSAGE_ID"] as? String == JournalEvent.Kind.notificationSent.messageID }
            }
            let sendLog = try container.run("journalctl -u tokenwarden --no-pager -o cat | grep -i notif || true").output
            #expect(mailed, "no notification-sent entry within 90 s:\n\(sendLog)")
            let textfile = root + "/var/lib/prometheus/node-exporter/tokenwarden.prom"
            let metrics = (try? String(contentsOfFile: textfile, encoding: .utf8)) ?? ""
            #expect(metrics.contains(#"tokenwarden_provider_last_success_timestamp_seconds{provider="sim-awx"}"#), "\(metrics)")
            let lint = try BuiltProduct.capture("/bin/sh", ["-c", "/usr/bin/promtool check metrics < '\(textfile)'"])
            #expect(lint.status == 0, "\(lint.output)")
            let served = try container.run("curl -fsS http://127.0.0.1:\(Self.metricsPort)/metrics")
            #expect(
                served.status == 0 && served.output.contains(#"tokenwarden_provider_last_success_timestamp_seconds{provider="sim-awx"}"#),
                "\(served.output)")
            let mail = smtp.messages.first ?? ""
            #expect(mail.contains("To: ops@example.com") && mail.contains("Subject: tokenwarden: "), "\(smtp.messages)")
            #expect(!mail.contains(simulator.provider(.awx).credential))
            // No core file, and not dumpable: its /proc files belong to root, not to the service's user.
            let dumps = try container.run(
                "systemctl show tokenwarden -p LimitCORE --value; stat -c %U /proc/$(systemctl show -p MainPID --value tokenwarden)/environ"
            ).output
            #expect(dumps == "0\nroot\n", "\(dumps)")
            let reload = try container.run("systemctl reload tokenwarden")
            #expect(reload.status == 0, "\(reload.output)")
            #expect(
                try await Self.until(container, "reloaded") {
                    $0.contains { $0["MESSAGE_ID"] as? String == JournalEvent.Kind.daemonReloaded.messageID }
                },
                "no daemon-reloaded entry in the journal within 90 s")
            let stop = try container.run("systemctl stop tokenwarden && systemctl show tokenwarden -p Result -p ExecMainStatus -p ActiveState")
            #expect(stop.status == 0)
            for line in ["Result=success", "ExecMainStatus=0", "ActiveState=inactive"] { #expect(stop.output.contains(line), "\(stop.output)") }

            let explained = try container.run("journalctl -x -u tokenwarden --no-pager").output
            #expect(explained.contains("tokenwarden loaded its configuration and policies"), "the catalog's text under journalctl -x")
            try Self.expectACleanJournal(container)
            return config
        }

        /// Rotations under the shipped unit's sandbox, with the README's `deliver.owner` drop-in: a file
        /// given to another user, and a delivery command that leaves `sleep 300 &` running (which once held
        /// the rotation until its timeout, after which the delivered token was revoked).
        func rotateInTheSandbox(_ container: NspawnContainer, config: String, simulator: ProviderSimulator) async throws {
            let root = container.root
            let awx = simulator.provider(.awx)
            let created = Date().addingTimeInterval(-100 * 86_400)
            await awx.replaceTokens(
                ["910": "deploy-bot", "911": "ci-runner"].map { id, name in
                    ObservedToken(
                        id: id, name: name, owner: SimulatedAccount.mainOwner(of: .awx), scopes: ["write"], createdAt: created,
                        expiresAt: created.addingTimeInterval(365 * 86_400))
                })
            let setup = try container.run(
                """
                useradd --system --no-create-home deploy && install -d -o tokenwarden -g deploy -m 0750 /etc/deploy &&
                cp /usr/share/doc/tokenwarden/examples/deliver-owner.conf /etc/systemd/system/tokenwarden.service.d/ &&
                printf '#!/bin/sh\\ncat > /etc/deploy/ci-runner.token\\nsleep 300 &\\n' > /usr/local/bin/take-token &&
                chmod 0755 /usr/local/bin/take-token
                """)
            try #require(setup.status == 0, "\(setup.output)")
            // Enforcing: then the credential's own token must be named where rules write (it is not listed here).
            let enforcing = config.replacingOccurrences(of: "[daemon]\n", with: "[daemon]\nenforce = true\n")
                .replacingOccurrences(of: "credential = \"sim-awx\"\n", with: "credential = \"sim-awx\"\nself_token_id = \"0\"\n")
            try Self.rewrite(root + "/etc/tokenwarden/tokenwarden.toml", enforcing)
            try Self.rewrite(
                root + "/etc/tokenwarden/policies.d/20-rotation.toml",
                """
                [[rule]]
                name = "rotate-deploy-bot"
                match.provider = "sim-awx"
                match.name = "deploy-bot"
                when.age_over = "60d"
                action = "rotate"
                deliver.file = "/etc/deploy/token"
                deliver.owner = "deploy:deploy"
                deliver.mode = "0640"
                overlap = "1s"

                [[rule]]
                name = "rotate-ci-runner"
                match.provider = "sim-awx"
                match.name = "ci-runner"
                when.age_over = "60d"
                action = "rotate"
                deliver.command = ["/usr/local/bin/take-token"]
                deliver.timeout = "30s"
                overlap = "1s"
                """)
            let start = try container.run("systemctl daemon-reload && systemctl start tokenwarden")
            #expect(start.status == 0, "\(start.output)")
            let rotated = try await Self.until(container, "both tokens rotated") { entries in
                let done = Set(
                    entries.filter { $0["MESSAGE_ID"] as? String == JournalEvent.Kind.tokenRotated.messageID }
                        .compactMap { $0["TOKENWARDEN_TOKEN_ID"] as? String })
                return done.isSuperset(of: ["910", "911"])
            }
            let log = try container.run("journalctl -u tokenwarden --no-pager -o cat").output
            #expect(rotated, "no token-rotated entries for 910 and 911 within 90 s:\n\(log)")

            let owned = try container.run("stat -c '%U:%G %a' /etc/deploy/token").output
            #expect(owned == "deploy:deploy 640\n", "\(owned)")
            for (file, name) in [("token", "deploy-bot"), ("ci-runner.token", "ci-runner")] {
                let secret = try String(contentsOfFile: root + "/etc/deploy/" + file, encoding: .utf8)
                let successor = await awx.liveToken(withSecret: secret)?.name
                #expect(
                    successor.map(SuccessorName.base(of:)) == name && successor != name,
                    "/etc/deploy/\(file) holds the secret of the live new \(name)")
                #expect(!secret.isEmpty && !log.contains(secret), "the delivered secret is in the journal")
            }
            #expect(await awx.tokens.filter { ["910", "911"].contains($0.id) }.allSatisfy(\.revoked), "the old tokens are revoked after the overlap")
            // The command's leftover runs in the service's cgroup: stopping the service ends it.
            let stop = try container.run("systemctl stop tokenwarden; pgrep -x sleep || echo none")
            #expect(stop.output == "none\n", "\(stop.output)")
            try Self.expectACleanJournal(container)
        }

        /// No refused system call, missing permission or capability in the service's journal.
        static func expectACleanJournal(_ container: NspawnContainer) throws {
            let journal = try container.run("journalctl -u tokenwarden --no-pager -o cat").output
            var refused = ["EPERM", "SIGSYS", "ermission denied", "errno=1 ", "errno=1\n", "Operation not permitted"]
            // Where the container's PID 1 cannot raise RLIMIT_NICE (no CAP_SYS_RESOURCE), Dispatch's one
            // request for a higher thread priority is refused with EACCES; anywhere else it must not be.
            let limits = try container.run("prlimit --nice --noheadings --output SOFT -p 1").output.trimmingCharacters(in: .whitespacesAndNewlines)
            if limits != "0" { refused += ["EACCES", "errno=13"] }
            for word in refused { #expect(!journal.contains(word), "the service's journal holds \"\(word)\":\n\(journal)") }
        }

        /// Truncates and rewrites a file, keeping its inode, owner and mode, as an editor saving in place does.
        static func rewrite(_ path: String, _ content: String) throws {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.truncate(atOffset: 0)
            try handle.write(contentsOf: Data(content.utf8))
            try handle.close()
        }

        /// Reads the unit's journal as JSON until `done` holds, for at most 90 s.
        static func until(_ container: NspawnContainer, _ what: String, _ done: @escaping @Sendable ([[String: Any]]) -> Bool) async throws -> Bool {
            try await BuiltProduct.offThePool {
                let deadline = Date().addingTimeInterval(90)
                while Date() < deadline {
                    let lines = try container.run("journalctl -u tokenwarden -o json --no-pager").output.split(separator: "\n")
                    let entries = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
                    if done(entries) { return true }
                    Thread.sleep(forTimeInterval: 1)
                }
                return false
            }
        }
    }
}
