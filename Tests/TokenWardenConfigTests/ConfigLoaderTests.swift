import Foundation
import Testing
import TokenWardenCore
import TokenWardenTestSupport

@testable import TokenWardenConfig

@Suite struct ConfigLoaderTests {
    static let minimal = """
        [[provider]]
        id = "awx-main"
        kind = "awx"
        base_url = "https://awx.example.com/"
        credential = "awx-main"
        """

    func problems(_ text: String, environment: [String: String] = [:]) throws -> [String] {
        let dir = try TemporaryDirectory()
        let path = try dir.write("tokenwarden.toml", text)
        return ConfigLoader(environment: environment).read(path: path).problems.map {
            $0.description.replacingOccurrences(of: path, with: "CONFIG")
        }
    }

    @Test func readsAFullConfig() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write(
            "etc/tokenwarden.toml",
            """
            [daemon]
            state_directory = "/srv/tw/"
            policy_directory = "rules"
            poll_interval = "5m"
            enforce = true
            max_actions_per_cycle = 3

            [[provider]]
            id = "sailpoint-prod"
            kind = "sailpoint"
            base_url = "https://acme.api.identitynow.com"
            credential = "/etc/tokenwarden/sailpoint-prod.cred"
            poll_interval = "1h"

            [[provider]]
            id = "awx-main"
            kind = "awx"
            base_url = "http://127.0.0.1:8052/prefix/"
            credential = "awx-main"
            self_token_id = 4
            max_listing_pages = 500
            max_listing_time = "30m"
            """)
        let configuration = try ConfigLoader(environment: [:]).load(path: path)
        #expect(
            configuration.daemon
                == DaemonSettings(
                    stateDirectory: "/srv/tw", policyDirectory: dir.subpath("etc/rules"),
                    pollInterval: .minutes(5), enforce: true, maxActionsPerCycle: 3))
        #expect(configuration.databasePath == "/srv/tw/tokenwarden.sqlite")
        #expect(
            configuration.providers == [
                ProviderConfig(
                    id: "sailpoint-prod", kind: .sailPoint, baseURL: "https://acme.api.identitynow.com",
                    credential: .file(path: "/etc/tokenwarden/sailpoint-prod.cred"), pollInterval: .hours(1)),
                ProviderConfig(
                    id: "awx-main", kind: .awx, baseURL: "http://127.0.0.1:8052/prefix",
                    credential: .systemd(name: "awx-main"), selfTokenID: "4", listingLimits: ListingLimits(pages: 500, time: .minutes(30))),
            ])
        #expect(configuration.providers[0].listingLimits == .standard)
    }

    @Test func defaultsAreSafeAndFollowSystemd() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("tokenwarden.toml", Self.minimal)
        let plain = try ConfigLoader(environment: [:]).load(path: path).daemon
        #expect(
            plain
                == DaemonSettings(
                    stateDirectory: "/var/lib/tokenwarden", policyDirectory: dir.subpath("policies.d"),
                    pollInterval: .minutes(15), enforce: false, maxActionsPerCycle: 10))
        let underSystemd = try ConfigLoader(environment: ["STATE_DIRECTORY": "/var/lib/tokenwarden:/var/lib/other"]).load(path: path)
        #expect(underSystemd.daemon.stateDirectory == "/var/lib/tokenwarden")
    }

    @Test func aSyntaxErrorNamesFileLineAndColumn() throws {
        let found = try problems("[daemon]\npoll_interval = \"5m\"\nenforce = tru\n")
        #expect(found.count == 1)
        #expect(found[0].hasPrefix("CONFIG:3:14: syntax error: Error while parsing boolean: expected 'true'"))
    }

    @Test func aMissingFileSaysSo() {
        let (configuration, problems) = ConfigLoader(environment: [:]).read(path: "/nonexistent/tokenwarden.toml")
        #expect(configuration == nil)
        #expect(problems.map(\.description) == ["/nonexistent/tokenwarden.toml: file not found"])
    }

    @Test func unknownKeysAreErrorsWithSuggestions() throws {
        let found = try problems(
            """
            [deamon]
            enforce = true

            [daemon]
            poll_intervall = "5m"

            [[provider]]
            id = "awx-main"
            kind = "awx"
            base_url = "https://awx.example.com"
            credentials = "awx-main"
            """)
        #expect(
            found == [
                "CONFIG:1: key \"deamon\": unknown key (valid keys here: daemon, provider, notifier, owners, "
                    + "owner, metrics); did you mean \"daemon\"?",
                "CONFIG:5: [daemon], key \"poll_intervall\": unknown key (valid keys here: state_directory, policy_directory, "
                    + "poll_interval, enforce, max_actions_per_cycle, request_timeout, alert_to, "
                    + "alert_after_failing, give_up_after); did you mean \"poll_interval\"?",
                "CONFIG:11: provider \"awx-main\", key \"credentials\": unknown key (valid keys here: id, kind, base_url, credential, "
                    + "poll_interval, self_token_id, max_actions_per_cycle, identity, owner, "
                    + "max_listing_pages, max_listing_time, rotate_own_credential); did you mean \"credential\"?",
                "CONFIG:7: provider \"awx-main\", key \"credential\": missing; it must be a string",
            ])
    }

    @Test func everyProblemIsReportedNotJustTheFirst() throws {
        let found = try problems(
            """
            [daemon]
            enforce = "yes"
            poll_interval = 15
            max_actions_per_cycle = -1
            state_directory = "relative/path"

            [[provider]]
            id = "Bad_ID"
            kind = "planingcenter"
            base_url = "ftp://x"
            credential = "etc/creds"

            [[provider]]
            id = "dup"
            kind = "awx"
            base_url = "http://awx.example.com"
            credential = "/c"

            [[provider]]
            id = "dup"
            kind = "cryptlex"
            base_url = "https://user:pw@api.cryptlex.com/v3"
            credential = "/c"
            poll_interval = "0s"
            """)
        #expect(
            found == [
                "CONFIG:5: [daemon], key \"state_directory\": must be an absolute path, e.g. \"/var/lib/tokenwarden\"",
                "CONFIG:3: [daemon], key \"poll_interval\": a duration needs a unit and quotes, e.g. \"15d\" or \"15s\"",
                "CONFIG:2: [daemon], key \"enforce\": expected true or false (without quotes), found a string",
                "CONFIG:4: [daemon], key \"max_actions_per_cycle\": -1 is out of range (0…100000)",
                "CONFIG:8: provider \"Bad_ID\", key \"id\": \"Bad_ID\" may contain only a-z, 0-9 and \"-\"",
                "CONFIG:9: provider \"Bad_ID\", key \"kind\": unknown kind \"planingcenter\" (valid: planningcenter, sailpoint, cryptlex, "
                    + "synergy, awx, aap); did you mean \"planningcenter\"?",
                "CONFIG:10: provider \"Bad_ID\", key \"base_url\": scheme \"ftp\" is not supported; use https",
                "CONFIG:11: provider \"Bad_ID\", key \"credential\": \"etc/creds\" is a relative path; give an absolute path to a 0600 "
                    + "file, or a bare name passed with LoadCredential=",
                "CONFIG:16: provider \"dup\", key \"base_url\": plain http is allowed only for loopback hosts (127.0.0.1, ::1, localhost); "
                    + "use https for \"awx.example.com\"",
                "CONFIG:20: provider \"dup\", key \"id\": \"dup\" is already the id of provider #2; ids must be unique",
                "CONFIG:22: provider \"dup\", key \"base_url\": must not contain a user name or password; put secrets in the credential file",
                "CONFIG:24: provider \"dup\", key \"poll_interval\": must be at least 1s",
            ])
    }

    @Test(arguments: [
        ("https://acme.api.identitynow.com", "https://acme.api.identitynow.com"),
        ("https://host:8443/api/controller/", "https://host:8443/api/controller"),
        ("http://localhost:9000", "http://localhost:9000"), ("http://127.0.0.2", "http://127.0.0.2"),
        ("http://[::1]:8080", "http://[::1]:8080"),
    ])
    func acceptsBaseURLs(text: String, normalized: String) {
        var messages: [String] = []
        #expect(ConfigLoader.validateBaseURL(text, report: { messages.append($0) }) == normalized)
        #expect(messages.isEmpty)
    }

    @Test(arguments: [
        ("not a url", "is not a URL"), ("http://10.0.0.5", "plain http is allowed only for loopback"),
        ("http://127.0.0.1.evil.com", "plain http is allowed only for loopback"),
        ("https://x.example.com/?a=1", "must not contain a query"), ("https://x.example.com/#f", "must not contain a query"),
    ])
    func refusesBaseURLs(text: String, reason: String) {
        var messages: [String] = []
        #expect(ConfigLoader.validateBaseURL(text, report: { messages.append($0) }) == nil)
        #expect(messages.count == 1 && messages[0].contains(reason))
    }
}
