import Foundation
import Testing
import TokenWardenCore
import TokenWardenStore
import TokenWardenTestSupport

/// The CLI as an admin meets it: the real binary, a real config on disk, a real database.
@Suite struct CLITests {
    static let secret = "PLANTED-cli-secret-5d1e"

    /// A valid setup: one AWX provider with a 0600 credential, a policy, and a state directory.
    struct Setup {
        let dir: TemporaryDirectory
        let config: String
        var database: String { dir.subpath("state/tokenwarden.sqlite") }

        init(policy: String = "[[rule]]\nname = \"warn\"\nwhen.expires_within = \"14d\"\naction = \"notify\"\n") throws {
            dir = try TemporaryDirectory()
            let credential = try dir.write("awx.cred", CLITests.secret + "\n", mode: 0o600)
            config = try dir.write(
                "tokenwarden.toml",
                """
                [daemon]
                state_directory = "\(dir.subpath("state"))"

                [[provider]]
                id = "awx-main"
                kind = "awx"
                base_url = "https://awx.example.com"
                credential = "\(credential)"

                [[provider]]
                id = "pco"
                kind = "planningcenter"
                base_url = "https://api.planningcenteronline.com"
                credential = "\(try dir.write("pco.cred", "app:" + CLITests.secret, mode: 0o400))"
                """)
            try dir.write("policies.d/10-baseline.toml", policy)
        }

        func run(_ arguments: String...) async throws -> BuiltProduct.Result {
            try await BuiltProduct.run(arguments + ["--config", config])
        }
    }

    @Test func validateSummarisesAValidSetupAndExitsZero() async throws {
        let setup = try Setup()
        let result = try await setup.run("validate")
        #expect(result.status == 0)
        #expect(result.stdout.contains("\(setup.config): valid"))
        #expect(result.stdout.contains("report-only (enforce = false), at most 10 actions per cycle"))
        #expect(result.stdout.contains("warn: notify when expires within 14d; on awx-main"))
        #expect(result.stdout.contains("skips pco: Planning Center has no expiry data"))
        #expect(result.stdout.contains("(mode 0600)") && result.stdout.contains("(mode 0400)"))
        #expect(!(result.stdout + result.stderr).contains(Self.secret))
    }

    @Test func validateSaysWhereEachNotifierSends() async throws {
        let setup = try Setup()
        let text = try String(contentsOfFile: setup.config, encoding: .utf8)
        let withNotifiers =
            text.replacingOccurrences(of: "[daemon]\n", with: "[daemon]\nalert_to = [\"ops\"]\n")
            + "\n[[notifier]]\nid = \"ops\"\nkind = \"webhook\"\nurl = \"https://hooks.example.com/tw\"\n"
            + "\n[[notifier]]\nid = \"pager\"\nkind = \"command\"\ncommand = [\"/bin/true\", \"--team\", \"ops\"]\n"
        try Data(withNotifiers.utf8).write(to: URL(fileURLWithPath: setup.config))
        let result = try await setup.run("validate")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("  notifiers: 2; admin alerts to ops"), "\(result.stdout)")
        #expect(result.stdout.contains("    ops: POST https://hooks.example.com/tw (json, unsigned)"))
        #expect(result.stdout.contains("    pager: runs /bin/true --team ops (as tokenwarden, the payload on stdin)"))
    }

    @Test func validatePrintsEveryProblemAndExitsTwo() async throws {
        let setup = try Setup(policy: "[[rule]]\nname = \"x\"\nwhen.unused_fr = \"1d\"\naction = \"notfy\"\n")
        let result = try await setup.run("validate")
        #expect(result.status == 2)
        #expect(result.stderr.contains("2 problems in the configuration:"))
        #expect(result.stderr.contains("10-baseline.toml:3: rule \"x\", key \"when.unused_fr\": unknown key"))
        #expect(result.stderr.contains("did you mean \"notify\"?"))
        #expect(result.stdout.isEmpty)
    }

    @Test func readCommandsExplainAMissingDatabaseWithoutCreatingIt() async throws {
        let setup = try Setup()
        let result = try await setup.run("tokens")
        #expect(result.status == 1)
        #expect(result.stderr.contains("no token database at \(setup.database) yet"))
        #expect(!FileManager.default.fileExists(atPath: setup.database))
    }

    @Test func tokensPrintsJSONWithSnakeCaseKeysAndNulls() async throws {
        let setup = try Setup()
        let now = Date()
        let store = try TokenStore.open(path: setup.database)
        try store.registerProviders(
            [ProviderConfig(id: "awx-main", kind: .awx, baseURL: "https://awx.example.com", credential: .systemd(name: "x"))], at: now)
        let created = try ProviderTimestamp.parse("2025-02-23T14:39:32.618932Z").date
        try await store.recordObservations(
            [
                ObservedToken(id: "4", name: "deploy-bot", owner: "root", scopes: ["write"], createdAt: created, expiresAt: now + 3 * 86_400),
                ObservedToken(id: "5", name: "ci", createdAt: created, expiresAt: try ProviderTimestamp.parse("3024-06-25T14:39:32.618279Z").date),
            ], provider: "awx-main", at: now)

        let result = try await setup.run("tokens", "--expiring", "14d", "--json")
        #expect(result.status == 0)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 1)
        let row = rows[0]
        #expect(
            Set(row.keys) == [
                "provider", "id", "name", "owner", "scopes", "created_at", "expires_at", "last_used_at",
                "state", "first_seen_at", "last_seen_at", "held", "base_name", "successor_of", "own_credential",
            ])
        // A token no rotation made: its own name is its lineage's, and it replaced nothing.
        #expect(row["base_name"] as? String == row["name"] as? String)
        #expect(row["successor_of"] is NSNull)
        #expect(row["id"] as? String == "4" && row["provider"] as? String == "awx-main" && row["state"] as? String == "active")
        #expect(row["created_at"] as? String == "2025-02-23T14:39:32.619Z", "the millisecond the store keeps")
        #expect(row["last_used_at"] is NSNull)
        #expect((row["expires_at"] as? String)?.hasSuffix("Z") == true)

        let all = try await setup.run("tokens")
        #expect(all.status == 0)
        #expect(all.stdout.contains("deploy-bot") && all.stdout.contains(" never ") && all.stdout.contains("2 tokens"), "AWX's year 3024 means never")

        let shown = try await setup.run("show", "deploy-bot")
        #expect(shown.status == 0)
        #expect(shown.stdout.contains("awx-main/4") && shown.stdout.contains("AWX / Tower") && shown.stdout.contains("discovered"))

        let history = try await setup.run("history", "awx-main/5", "--json")
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]])
        #expect(entries.map { $0["event"] as? String } == ["discovered"])
        #expect(entries.first?["rule"] is NSNull)

        let unknown = try await setup.run("show", "awx-main/404")
        #expect(unknown.status == 1 && unknown.stderr.contains("no token \"awx-main/404\" in the inventory"))
    }

    @Test func usageErrorsExitTwoAndHelpTeaches() async throws {
        let bad = try await BuiltProduct.run(["tokens", "--expiring", "14"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("\"14\" is not a duration: it has no unit; write \"14d\""))
        #expect(try await BuiltProduct.run(["frobnicate"]).status == 2)
        let help = try await BuiltProduct.run(["tokens", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("tokenwarden tokens --expiring 14d"))
    }
}

/// A token name from a provider is shown escaped on the terminal and exact in JSON.
@Suite struct HostileProviderTextTests {
    @Test func aNameWithEscapesCannotForgeRowsOnTheTerminalButJSONKeepsItExact() async throws {
        let setup = try CLITests.Setup()
        let now = Date()
        let store = try TokenStore.open(path: setup.database)
        try store.registerProviders(
            [ProviderConfig(id: "awx-main", kind: .awx, baseURL: "https://awx.example.com", credential: .systemd(name: "x"))], at: now)
        let hostile = "ci\u{1B}[2K\r\nawx-main/9  fake-row\u{202E}"
        _ = try await store.recordObservations(
            [ObservedToken(id: "1", name: hostile, owner: "eve\u{07}", createdAt: now, expiresAt: now + 86_400)],
            provider: "awx-main", at: now)
        let table = try await setup.run("tokens")
        let show = try await setup.run("show", "awx-main/1")
        let history = try await setup.run("history", "awx-main/1")
        let plan = try await setup.run("plan")
        let json = try await setup.run("tokens", "--json")
        for output in [table, show, history, plan] {
            #expect(output.status == 0, "\(output.stderr)")
            for raw in ["\u{1B}", "\r", "\u{07}", "\u{202E}"] {
                #expect(!output.stdout.contains(raw), "raw \(raw.unicodeScalars.first!.value) in \(output.stdout)")
            }
        }
        #expect(table.stdout.contains("ci\\u{1B}[2K\\u{D}\\u{A}awx-main/9  fake-row\\u{202E}"), "\(table.stdout)")
        #expect(table.stdout.split(separator: "\n").count == 3, "a header, one row, the count: no forged row")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(rows.first?["name"] as? String == hostile && rows.first?["owner"] as? String == "eve\u{07}")
    }
}

/// What ships in packaging/examples must be what `validate` accepts.
@Suite struct ShippedExamplesTests {
    @Test func theExampleConfigAndPoliciesAreValid() async throws {
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../packaging/examples/tokenwarden.toml").standardizedFileURL.path
        let credentials = try TemporaryDirectory()
        try credentials.write("sailpoint-prod", "client-id:client-secret\n", mode: 0o400)
        try credentials.write("awx-main", "awx-token\n", mode: 0o400)
        try credentials.write("awx-deploy-bot", "deploy-bot-token\n", mode: 0o400)
        let result = try await BuiltProduct.run(
            ["validate", "--config", examples],
            environment: ["CREDENTIALS_DIRECTORY": credentials.path, "STATE_DIRECTORY": "/var/lib/tokenwarden"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("3 rules from 2 files"))
        #expect(result.stdout.contains("warn-before-expiry: notify when expires within 30d, 7d, 1d (a notice at each)"), "\(result.stdout)")
        #expect(result.stdout.contains("rotate-deploy-bot: rotate when older than 60d; on awx-main"))
        #expect(result.stdout.contains("owner credentials: deploy-bot (\(credentials.path)/awx-deploy-bot, mode 0400)"), "\(result.stdout)")
    }
}
