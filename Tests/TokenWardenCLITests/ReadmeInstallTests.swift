import Foundation
import Testing
import TokenWardenCore
import TokenWardenJournal
import TokenWardenSimulator
import TokenWardenTestSupport

extension SubprocessSuites {
    /// The README's install section, run as written: its one fenced block, line by line, as root in a
    /// booted container, with the edits it describes written by the test where a line opens `$EDITOR`.
    /// Then, from the admin's shell, every command an admin runs against the installed service, which
    /// gets its credentials through `LoadCredential=`.
    @Suite struct ReadmeInstallTests {
        static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("README.md").path

        /// The first ```sh block after "## Install as a systemd unit".
        static func installBlock() throws -> [String] {
            let text = try String(contentsOfFile: readme, encoding: .utf8)
            guard let section = text.range(of: "\n## Install as a systemd unit\n"),
                let open = text.range(of: "```sh\n", range: section.upperBound..<text.endIndex),
                let close = text.range(of: "\n```", range: open.upperBound..<text.endIndex)
            else {
                throw NspawnContainer.Failure("README.md has no ```sh block under \"## Install as a systemd unit\"")
            }
            return text[open.upperBound..<close.lowerBound].split(separator: "\n").map(String.init)
        }

        @Test(.enabled(if: NspawnContainer.unavailable == nil, Comment(rawValue: NspawnContainer.unavailable ?? "")))
        func theReadmesInstallStepsRunVerbatimAndEveryCommandWorksFromTheShell() async throws {
            let simulator = try await ProviderSimulator.start(.init(tokensPerProvider: 5))
            let created = Date().addingTimeInterval(-100 * 86_400)
            await simulator.provider(.awx).replaceTokens(
                ["910": "deploy-bot", "911": "old-ci"].map { id, name in
                    ObservedToken(
                        id: id, name: name, owner: SimulatedAccount.mainOwner(of: .awx), scopes: ["write"], createdAt: created,
                        expiresAt: created.addingTimeInterval(365 * 86_400))
                })
            let deb = try await PackageUnderTest.path()
            await PackageUnderSystemdTests.inBootedContainer { container in
                try await follow(try Self.installBlock(), in: container, deb: deb, simulator: simulator)
                try await useFromTheShell(container, simulator: simulator)
            }
            await simulator.stop()
        }

        /// Runs each line of `block` in /root; an `$EDITOR` line is the admin's edit of the files it names.
        func follow(_ block: [String], in container: NspawnContainer, deb: String, simulator: ProviderSimulator) async throws {
            let root = container.root
            let named = try #require(
                block.first { $0.hasPrefix("apt install ./") }.map { String($0.dropFirst("apt install ./".count)) },
                "the block installs the package with apt")
            let built = (deb as NSString).lastPathComponent
            #expect(fnmatch(named, built, 0) == 0, "the README names \(named); the build made \(built)")
            try FileManager.default.copyItem(atPath: deb, toPath: root + "/root/" + built)
            for line in block where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                if line.hasPrefix("$EDITOR ") {
                    for path in line.split(separator: " ").dropFirst().map(String.init) { try edit(path, root: root, simulator: simulator) }
                    continue
                }
                let result = try container.run("cd /root && " + line)
                guard result.status == 0 else { throw NspawnContainer.Failure("README line `\(line)` failed (\(result.status)):\n\(result.output)") }
                if line.contains("tokenwarden validate") {
                    #expect(result.output.contains("/etc/tokenwarden/tokenwarden.toml: valid"), "\(result.output)")
                    #expect(
                        result.output.contains("/etc/tokenwarden/credentials/sim-awx (mode 0600)"),
                        "validate shows the LoadCredential= source: \(result.output)")
                }
            }
        }

        /// The admin's edit of `path`, as the README describes it, for the simulated providers.
        func edit(_ path: String, root: String, simulator: ProviderSimulator) throws {
            let kinds = ProviderKind.allCases
            switch path {
            case let credential where credential.hasPrefix("/etc/tokenwarden/credentials/"):
                // One file per credential; an editor creates them with the umask's 0644 (the next line fixes that).
                for kind in kinds {
                    try Data((simulator.provider(kind).credential + "\n").utf8).write(
                        to: URL(fileURLWithPath: root + "/etc/tokenwarden/credentials/sim-\(kind.rawValue)"))
                }
            case "/etc/systemd/system/tokenwarden.service.d/credentials.conf":
                let lines = kinds.map { "LoadCredential=sim-\($0.rawValue):/etc/tokenwarden/credentials/sim-\($0.rawValue)" }
                try Data((["[Service]"] + lines).joined(separator: "\n").appending("\n").utf8).write(to: URL(fileURLWithPath: root + path))
            case "/etc/tokenwarden/tokenwarden.toml":
                var config = "[daemon]\npoll_interval = \"20s\"\n"
                for kind in kinds {
                    config +=
                        "\n[[provider]]\nid = \"sim-\(kind.rawValue)\"\nkind = \"\(kind.rawValue)\"\nbase_url = \"\(simulator.baseURL(for: kind))\"\n"
                    config += "credential = \"sim-\(kind.rawValue)\"\n"
                    if kind == .cryptlex { config += "identity = \"\(SimulatedAccount.mainOwner(of: kind))\"\n" }
                }
                try PackageUnderSystemdTests.rewrite(root + path, config)
            case "/etc/tokenwarden/policies.d/*.toml":
                try PackageUnderSystemdTests.rewrite(
                    root + "/etc/tokenwarden/policies.d/10-baseline.toml",
                    "[[rule]]\nname = \"warn-before-expiry\"\nwhen.expires_within = \"30d\"\naction = \"notify\"\n")
                try PackageUnderSystemdTests.rewrite(root + "/etc/tokenwarden/policies.d/20-rotation.toml", "# No rotation rules on this host yet.\n")
            default:
                throw NspawnContainer.Failure("the README's install block edits \(path), which this test does not know how to edit: teach it")
            }
        }

        /// After the block: the service polled every provider, and each admin command works as root from
        /// the shell with the unit's `LoadCredential=` credentials, leaving nothing root-owned behind.
        func useFromTheShell(_ container: NspawnContainer, simulator: ProviderSimulator) async throws {
            let polled = try await PackageUnderSystemdTests.until(container, "every provider polled") { entries in
                let providers = Set(
                    entries.filter { $0["MESSAGE_ID"] as? String == JournalEvent.Kind.pollSucceeded.messageID }
                        .compactMap { $0["TOKENWARDEN_PROVIDER"] as? String })
                return providers.isSuperset(of: ProviderKind.allCases.map { "sim-\($0.rawValue)" })
            }
            #expect(polled, "not every provider's poll-succeeded entry was in the journal within 90 s")
            let commands: [(String, String)] = [
                ("tokenwarden status", "healthy"),
                ("tokenwarden tokens", "deploy-bot"),
                ("tokenwarden validate", ": valid"),
                ("tokenwarden sync", "sim-awx"),
                ("tokenwarden plan --refresh", "sim-awx"),
                ("tokenwarden revoke sim-awx/911 --yes", "revoked sim-awx/911"),
                (
                    "install -d -o tokenwarden -m 0700 /srv/deploy && tokenwarden rotate sim-awx/910 --deliver-file /srv/deploy/token "
                        + "--overlap 0s --yes",
                    "rotated"
                ),
                ("tokenwarden status --json", "\"healthy\" : true"),
            ]
            // The service's user may read the config but not the credentials, which are root's: it is told what to run.
            let unprivileged = try container.run("setpriv --reuid=tokenwarden --regid=tokenwarden --init-groups tokenwarden validate")
            #expect(
                unprivileged.status == 2
                    && unprivileged.output.contains(
                        "/etc/tokenwarden/credentials/sim-awx cannot be read by this user "
                            + "(tokenwarden.service loads it as root): run `sudo tokenwarden validate` instead"),
                "\(unprivileged.output)")
            for (command, expected) in commands {
                let result = try container.run(command)
                #expect(result.status == 0 && result.output.contains(expected), "`\(command)` (\(result.status)):\n\(result.output)")
            }
            let delivered = try String(contentsOfFile: container.root + "/srv/deploy/token", encoding: .utf8)
            let successor = await simulator.provider(.awx).liveToken(withSecret: delivered)?.name
            #expect(successor.map(SuccessorName.base(of:)) == "deploy-bot" && successor != "deploy-bot", "\(successor ?? "none")")
            #expect(await simulator.provider(.awx).tokens.filter { ["910", "911"].contains($0.id) }.allSatisfy(\.revoked))
            let rootOwned = try container.run("find /var/lib/tokenwarden ! -user tokenwarden").output
            #expect(rootOwned.isEmpty, "files the admin's commands left to root:\n\(rootOwned)")
        }
    }
}
