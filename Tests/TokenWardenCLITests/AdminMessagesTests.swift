import Foundation
import Testing
import TokenWardenCore
import TokenWardenSimulator
import TokenWardenStore
import TokenWardenTestSupport

/// Messages and exit codes as a new admin meets them: usage errors exit 2 with a suggestion, a
/// filter a provider cannot serve says so, and `validate` says who gets mail from provider data.
@Suite struct AdminMessagesTests {
    static func synced() async throws -> CLITests.Setup {
        let setup = try CLITests.Setup()
        let store = try TokenStore.open(path: setup.database)
        let now = Date()
        try store.registerProviders(
            [ProviderConfig(id: "awx-main", kind: .awx, baseURL: "https://awx.example.com", credential: .systemd(name: "x"))], at: now)
        try await store.recordObservations(
            [
                ObservedToken(
                    id: "4", name: "deploy-bot", owner: "carol", createdAt: now - 86_400, expiresAt: now + 3 * 86_400,
                    extras: [OwnerMap.addressExtra: "carol@example.com"])
            ], provider: "awx-main", at: now)
        return setup
    }

    @Test func anUnknownProviderExitsTwoWithASuggestion() async throws {
        let setup = try await Self.synced()
        let result = try await setup.run("tokens", "--provider", "awx-mian")
        #expect(result.status == 2)
        #expect(
            result.stderr.contains("--provider \"awx-mian\" is not in") && result.stderr.contains("did you mean \"awx-main\"?"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func aFilterTheProviderCannotServeSaysSo() async throws {
        let setup = try await Self.synced()
        let named = try await setup.run("tokens", "--stale", "90d", "--provider", "awx-main")
        #expect(named.status == 2)
        #expect(named.stderr.contains("--stale cannot select tokens of awx-main (AWX"), "\(named.stderr)")
        #expect(named.stderr.contains("does not report when a token was last used"))
        let all = try await setup.run("tokens", "--stale", "90d")
        #expect(all.status == 0)
        #expect(all.stderr.contains("--stale leaves out every token of awx-main (AWX"), "\(all.stderr)")
    }

    @Test func aMistypedCommandGetsASuggestionAndExitsTwo() async throws {
        let result = try await BuiltProduct.run(["statsu"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("unknown command \"statsu\"; did you mean \"status\"?"), "\(result.stderr)")
    }

    @Test func aDurationWithAWordForAUnitNamesTheWord() async throws {
        let setup = try await Self.synced()
        let result = try await setup.run("tokens", "--expiring", "30days")
        #expect(result.status == 2)
        #expect(result.stderr.contains("unknown unit \"days\": use d, h, m, s or w"), "\(result.stderr)")
    }

    @Test func validateSaysProviderAddressesAreOffAndWhomTheyWouldReach() async throws {
        let setup = try await Self.synced()
        let text = try String(contentsOfFile: setup.config, encoding: .utf8)
        let owners =
            "\n[[notifier]]\nid = \"ops\"\nkind = \"mail\"\nto = [\"ops@example.com\"]\n\n[owners]\nfallback = \"ops\"\nmail = \"ops\"\n"
        try (text + owners).write(toFile: setup.config, atomically: true, encoding: .utf8)
        let off = try await setup.run("validate")
        #expect(off.status == 0, "\(off.stderr)")
        #expect(off.stdout.contains("provider addresses: off (provider_addresses = false)"), "\(off.stdout)")
        #expect(off.stdout.contains("1 token in the inventory carries one: their notices go to the fallback"))
        try (text + owners + "provider_addresses = true\n").write(toFile: setup.config, atomically: true, encoding: .utf8)
        let on = try await setup.run("validate")
        let json = try await setup.run("validate", "--json")
        #expect(on.stdout.contains("provider addresses: ON (provider_addresses = true)"), "\(on.stdout)")
        #expect(on.stdout.contains("from the inventory: carol@example.com"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["provider_addresses"] as? Bool == true && object["valid"] as? Bool == true)
    }

    @Test func validateJSONListsEveryProblemAndExitsTwo() async throws {
        let setup = try CLITests.Setup(policy: "[[rule]]\nname = \"x\"\nwhen.unused_fr = \"1d\"\naction = \"notfy\"\n")
        let result = try await setup.run("validate", "--json")
        #expect(result.status == 2)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let problems = try #require(object["problems"] as? [[String: Any]])
        #expect(object["valid"] as? Bool == false)
        #expect(problems.count == 2)
        #expect(problems.contains { $0["line"] as? Int == 3 && ($0["file"] as? String)?.hasSuffix("10-baseline.toml") == true })
        #expect(problems.contains { $0["suggestion"] as? String == "notify" })
    }
}

/// `tokens --provider X` says which token tokenwarden signs in with, or how to find it.
@Suite struct OwnCredentialListingTests {
    @Test func theOwnTokenIsMarkedWhenKnownAndOtherwiseTheListSaysHowToFindIt() async throws {
        let (simulator, dir, config) = try await RevokeCommandTests().synced(selfTokenID: "2")
        let marked = try await BuiltProduct.run(["tokens", "--provider", "sim-awx", "--config", config])
        let json = try await BuiltProduct.run(["tokens", "--provider", "sim-awx", "--json", "--config", config])
        let text = try String(contentsOfFile: config, encoding: .utf8).replacingOccurrences(of: "self_token_id = \"2\"\n", with: "")
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        let unknown = try await BuiltProduct.run(["tokens", "--provider", "sim-awx", "--config", config])
        await simulator.stop()
        _ = dir
        let row = marked.stdout.split(separator: "\n").first { $0.hasPrefix("sim-awx ") && $0.contains(" 2 ") }.map(String.init) ?? ""
        #expect(row.contains("(tokenwarden's own)"), "\(marked.stdout)")
        #expect(marked.stdout.contains("tokenwarden's own credential at sim-awx is sim-awx/2 (marked above)"))
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(rows.filter { $0["own_credential"] as? Bool == true }.map { $0["id"] as? String } == ["2"])
        #expect(unknown.stdout.contains("tokenwarden cannot tell which token it signs in to sim-awx with: set self_token_id"), "\(unknown.stdout)")
        #expect(unknown.stdout.contains("signs in as"), "the identity the simulator's API reported: \(unknown.stdout)")
    }
}

/// `sync` on a terminal says what it waits for; piped, it prints nothing extra.
@Suite struct SyncProgressTests {
    @Test func onATerminalEachRetryIsShownAndPipedNothingExtra() async throws {
        let faults = [SimulatorFault(provider: .awx, behaviour: .status(503), count: 2)]
        let simulator = try await ProviderSimulator.start(.init(tokensPerProvider: 3, faults: faults))
        let dir = try TemporaryDirectory()
        let config = try SimulatorSetup.write(for: simulator, into: dir.subpath("sim"))
        // util-linux's script(1) gives the command a real pseudo-terminal.
        let terminal = try await BuiltProduct.offThePool {
            try BuiltProduct.capture("/usr/bin/script", ["-qec", "\(BuiltProduct.executable) sync --config \(config)", "/dev/null"])
        }
        await simulator.provider(.awx).inject(faults[0])
        await simulator.provider(.awx).inject(SimulatorFault(provider: .awx, behaviour: .status(503), count: 1))
        let piped = try await BuiltProduct.run(["sync", "--config", config])
        await simulator.stop()
        #expect(terminal.status == 0, "\(terminal.output)")
        #expect(terminal.output.contains("tokenwarden: sim-awx: attempt 1 of 6 failed ("), "\(terminal.output)")
        #expect(terminal.output.contains("503 Service Unavailable"))
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(!piped.stderr.contains("retry"), "\(piped.stderr)")
    }
}

/// `validate --online` tries each credential for real; plain `validate` never calls a provider.
@Suite struct ValidateOnlineTests {
    @Test func eachCredentialIsTriedReadingOnlyAndAFailureIsExitOne() async throws {
        let simulator = try await ProviderSimulator.start(.init(tokensPerProvider: 3))
        let dir = try TemporaryDirectory()
        let config = try SimulatorSetup.write(for: simulator, into: dir.subpath("sim"))
        let offline = try await BuiltProduct.run(["validate", "--config", config])
        let listedOffline = await simulator.provider(.awx).listRequests
        let online = try await BuiltProduct.run(["validate", "--online", "--config", config])
        let listedOnline = await simulator.provider(.awx).listRequests
        let writes = await simulator.provider(.awx).writes
        let secret = await simulator.provider(.awx).credential
        // AWX now refuses the credential.
        try dir.write("sim/awx.credential", "no-longer-valid\n", mode: 0o600)
        let refused = try await BuiltProduct.run(["validate", "--online", "--config", config])
        await simulator.stop()
        #expect(offline.status == 0 && listedOffline == 0, "plain validate calls no provider")
        #expect(online.status == 0, "\(online.stdout)\(online.stderr)")
        #expect(online.stdout.contains("  online:    each credential tried, reading only"))
        #expect(online.stdout.contains("    sim-awx: signs in as "), "\(online.stdout)")
        #expect(online.stdout.contains("the first page lists 3 tokens"))
        #expect(listedOnline == 1 && writes == 0, "one page read, nothing written")
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("    sim-awx: FAILED: "), "\(refused.stdout)")
        #expect(!(online.stdout + refused.stdout + refused.stderr).contains(secret))
        #expect(!refused.stdout.contains("no-longer-valid"))
    }
}
