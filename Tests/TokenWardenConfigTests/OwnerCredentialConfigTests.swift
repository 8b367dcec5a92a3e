import Foundation
import Testing
import TokenWardenCore
import TokenWardenTestSupport

@testable import TokenWardenConfig

/// `[[provider.owner]]` and `identity`: the credentials that let tokenwarden rotate other owners' tokens.
@Suite struct OwnerCredentialConfigTests {
    func load(_ text: String) throws -> (Configuration?, [String]) {
        let dir = try TemporaryDirectory()
        let path = try dir.write("tokenwarden.toml", text)
        let (configuration, problems) = ConfigLoader(environment: [:]).read(path: path)
        return (configuration, problems.map { $0.description.replacingOccurrences(of: path, with: "CONFIG") })
    }

    @Test func ownerCredentialsAndAnIdentityAreReadPerProvider() throws {
        let (configuration, problems) = try load(
            """
            [[provider]]
            id = "awx-main"
            kind = "awx"
            base_url = "https://awx.example.com"
            credential = "awx-main"

            [[provider.owner]]
            name = "deploy-bot"
            credential = "awx-deploy-bot"

            [[provider.owner]]
            name = "ci"
            credential = "/etc/tokenwarden/credentials/awx-ci"

            [[provider]]
            id = "cl"
            kind = "cryptlex"
            base_url = "https://api.cryptlex.com"
            credential = "cl"
            identity = "u-123"
            """)
        #expect(problems.isEmpty)
        let awx = try #require(configuration?.provider(id: "awx-main"))
        #expect(
            awx.owners == [
                OwnerCredential(name: "deploy-bot", credential: .systemd(name: "awx-deploy-bot")),
                OwnerCredential(name: "ci", credential: .file(path: "/etc/tokenwarden/credentials/awx-ci")),
            ])
        #expect(configuration?.provider(id: "cl")?.identity == "u-123")
    }

    @Test func aBadOwnerTableIsNamedWithWhatToFix() throws {
        let (_, problems) = try load(
            """
            [[provider]]
            id = "awx-main"
            kind = "awx"
            base_url = "https://awx.example.com"
            credential = "awx-main"

            [[provider.owner]]
            name = "deploy-bot"
            credential = "awx-deploy-bot"

            [[provider.owner]]
            name = "deploy-bot"
            credential = "relative/path"
            secret = "x"

            [[provider.owner]]
            credential = "c"
            """)
        #expect(
            problems.contains { $0.contains("owner #2, key \"owner.secret\": unknown key (valid keys here: owner.name, owner.credential)") },
            "\(problems)")
        #expect(problems.contains { $0.contains("owner #2, key \"owner.credential\": \"relative/path\" is a relative path") }, "\(problems)")
        #expect(problems.contains { $0.contains("owner #3, key \"owner.name\": missing") }, "\(problems)")
    }

    @Test func aSecondCredentialForOneOwnerIsRefused() throws {
        let (_, problems) = try load(
            """
            [[provider]]
            id = "awx-main"
            kind = "awx"
            base_url = "https://awx.example.com"
            credential = "awx-main"

            [[provider.owner]]
            name = "deploy-bot"
            credential = "a"

            [[provider.owner]]
            name = "deploy-bot"
            credential = "b"
            """)
        #expect(problems.contains { $0.contains("\"deploy-bot\" already has a credential in this provider") }, "\(problems)")
    }

    @Test func providersThatListOnlyTheirOwnTokensTakeNoOwnerCredentials() throws {
        let (_, problems) = try load(
            """
            [[provider]]
            id = "synergy"
            kind = "synergy"
            base_url = "https://synergy.example.com"
            credential = "s"

            [[provider.owner]]
            name = "1_2"
            credential = "o"
            """)
        #expect(problems.contains { $0.contains("12d Synergy lists only the tokens of the credential that signs in") }, "\(problems)")
    }

    @Test func requestTimeoutIsReadAndBounded() throws {
        let (configuration, problems) = try load("[daemon]\nrequest_timeout = \"2m\"\n" + ConfigLoaderTests.minimal)
        #expect(problems.isEmpty && configuration?.daemon.requestTimeout == .minutes(2))
        let (_, bad) = try load("[daemon]\nrequest_timeout = \"2h\"\n" + ConfigLoaderTests.minimal)
        #expect(bad.contains { $0.contains("request_timeout\": must be between 1s and 1h") }, "\(bad)")
    }
}

@Suite struct SharedDestinationPolicyTests {
    @Test func twoRulesDeliveringToOneFileAreAnError() throws {
        let dir = try TemporaryDirectory()
        try dir.write(
            "p/10-a.toml",
            """
            [[rule]]
            name = "a"
            when.age_over = "60d"
            action = "rotate"
            deliver.file = "/etc/app/token"

            [[rule]]
            name = "b"
            when.age_over = "90d"
            action = "rotate"
            deliver.command = ["/usr/local/bin/reload", "{token_id}"]

            [[rule]]
            name = "c"
            when.age_over = "90d"
            action = "rotate"
            deliver.command = ["/usr/local/bin/reload", "{token_id}"]
            """)
        try dir.write(
            "p/20-b.toml",
            """
            [[rule]]
            name = "d"
            when.age_over = "30d"
            action = "rotate"
            deliver.file = "/etc/app/token"
            """)
        let providers = [ProviderConfig(id: "awx", kind: .awx, baseURL: "https://awx", credential: .systemd(name: "a"))]
        let problems = PolicyLoader().read(directory: dir.subpath("p"), providers: providers).problems.map(\.description)
        #expect(problems.count == 1, "\(problems)")
        #expect(
            problems.first?.contains("rule \"d\", key \"deliver\": delivers to the same file /etc/app/token as rule \"a\"") == true, "\(problems)")
    }

    @Test func aDeliveryCommandNamesItsTokenThroughThePlaceholder() {
        let now = Date()
        let token = Token(provider: "awx", id: "42", name: "x", state: .active, firstSeenAt: now, lastSeenAt: now)
        let command = Delivery.command(argv: ["/bin/reload", "--token={token_id}"])
        #expect(command.isPerToken)
        #expect(command.resolved(for: token).target == .command(argv: ["/bin/reload", "--token=42"]))
        #expect(!Delivery.command(argv: ["/bin/reload"]).isPerToken)
        #expect(!Delivery.file(path: "/etc/{token_id}").isPerToken)
    }
}

/// Files that decide what tokenwarden does are refused when someone else could rewrite them.
@Suite struct WriteAccessTests {
    @Test func aConfigOthersCanWriteIsNotReadAndTheMessageSaysWhatToRun() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("tokenwarden.toml", ConfigLoaderTests.minimal, mode: 0o666)
        let (configuration, problems) = ConfigLoader(environment: [:]).read(path: path)
        #expect(configuration == nil)
        #expect(
            problems.map(\.description) == [
                "\(path): this file has mode 0666: group or others may change it, and with it what tokenwarden revokes and which commands "
                    + "it runs; run: chmod 0640 \(path)"
            ])
    }

    @Test func aPolicyDirectoryOthersCanWriteIsRefusedButAStickyOneIsNot() throws {
        let dir = try TemporaryDirectory()
        try dir.write("p/10.toml", "[[rule]]\nname = \"w\"\nwhen.expired = true\naction = \"notify\"\n")
        #expect(chmod(dir.subpath("p"), 0o777) == 0)
        let open = PolicyLoader().read(directory: dir.subpath("p"), providers: []).problems.map(\.description)
        #expect(open.count == 1 && open[0].contains("this directory has mode 0777") && open[0].contains("chmod go-w"), "\(open)")
        #expect(chmod(dir.subpath("p"), 0o1777) == 0)
        #expect(PolicyLoader().read(directory: dir.subpath("p"), providers: []).problems.isEmpty)
    }

    @Test(.enabled(if: getuid() == 0, "giving a file to another user needs root"))
    func aPolicyFileOfAnotherUserIsRefusedWhenRootReadsIt() throws {
        // The daemon's own user could otherwise choose the commands root's `tokenwarden sync` runs.
        let dir = try TemporaryDirectory()
        let path = try dir.write("p/10.toml", "[[rule]]\nname = \"w\"\nwhen.expired = true\naction = \"notify\"\n")
        #expect(chown(path, 995, 995) == 0)
        let (policies, problems) = PolicyLoader().read(directory: dir.subpath("p"), providers: [])
        #expect(policies.rules.isEmpty)
        #expect(
            problems.map(\.description) == [
                "\(path): this file belongs to uid 995, so someone other than root can change what tokenwarden does; run: chown root \(path)"
            ])
    }
}

@Suite struct LoopbackAndStateDeliveryTests {
    @Test func localhostCountsAsLoopbackOnlyWhenItResolvesToLoopbackAlone() {
        #expect(ConfigLoader.resolvesToLoopbackOnly("localhost"))
        #expect(!ConfigLoader.resolvesToLoopbackOnly("no-such-host.invalid"))
    }

    @Test func aDeliveryIntoTheStateDirectoryIsRefused() {
        let rules = [
            Rule(
                name: "r", sourceFile: "10.toml", triggers: [.ageOver(.days(1))], action: .rotate,
                delivery: .file(path: "/var/lib/tokenwarden/../tokenwarden/tokenwarden.sqlite")),
            Rule(
                name: "ok", sourceFile: "10.toml", triggers: [.ageOver(.days(1))], action: .rotate,
                delivery: .file(path: "/var/lib/tokenwarden-other/token")),
        ]
        let problems = PolicyLoader.deliveriesIntoState(rules, stateDirectory: "/var/lib/tokenwarden").map(\.description)
        #expect(
            problems.count == 1 && problems[0].contains("rule \"r\", key \"deliver.file\"") && problems[0].contains("inside the state directory"),
            "\(problems)")
    }
}
