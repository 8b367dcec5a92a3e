import Foundation
import Testing
import TokenWardenCore
import TokenWardenStore
import TokenWardenTestSupport

@testable import TokenWardenCLI

/// `snooze`, `exempt` and `unsnooze` as an admin runs them, and what `tokens`, `show`, `plan` and
/// `history` then say; `validate` on templates and webhooks.
@Suite struct SnoozeCommandTests {
    /// The CLI setup with two tokens of awx-main that the notify rule selects (they expire in 3 and 5 days).
    static func setup() async throws -> CLITests.Setup {
        let setup = try CLITests.Setup()
        let now = Date()
        let store = try TokenStore.open(path: setup.database)
        try store.registerProviders(
            [ProviderConfig(id: "awx-main", kind: .awx, baseURL: "https://awx.example.com", credential: .systemd(name: "x"))], at: now)
        try await store.recordObservations(
            [
                ObservedToken(id: "4", name: "deploy-bot", owner: "root", createdAt: now - 86_400, expiresAt: now + 3 * 86_400),
                ObservedToken(id: "5", name: "break-glass", owner: "root", createdAt: now - 86_400, expiresAt: now + 5 * 86_400),
            ], provider: "awx-main", at: now)
        return setup
    }

    @Test func aSnoozeIsShownEverywhereAndRecordedWithWhoRanItAndWhy() async throws {
        let setup = try await Self.setup()
        // A real account, so the password file agrees (sudo's words are believed from root only).
        let sudo = ["SUDO_USER": "daemon", "SUDO_UID": "1"]
        let by = getuid() == 0 ? "by daemon (uid 1) via sudo as " : "by \(String(cString: getpwuid(getuid())!.pointee.pw_name)) (uid \(getuid()))"
        let snoozed = try await BuiltProduct.run(
            ["snooze", "awx-main/4", "--until", "14d", "--reason", "vendor renews it", "--config", setup.config], environment: sudo)
        #expect(snoozed.status == 0, "\(snoozed.stderr)")
        #expect(snoozed.stdout.hasPrefix("snoozed awx-main/4 \"deploy-bot\" until "))
        let exempted = try await BuiltProduct.run(
            ["exempt", "break-glass", "--reason", "the IAM team rotates it", "--config", setup.config], environment: sudo)
        #expect(exempted.status == 0, "\(exempted.stderr)")

        let tokens = try await setup.run("tokens")
        #expect(tokens.stdout.contains("active (snoozed to "), "\(tokens.stdout)")
        #expect(tokens.stdout.contains("active (exempt)"))
        let show = try await setup.run("show", "awx-main/4")
        #expect(show.stdout.contains("until ") && show.stdout.contains(by), "\(show.stdout)")
        let json = try await setup.run("show", "awx-main/5", "--json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let held = try #require(object["held"] as? [String: Any])
        #expect(held["kind"] as? String == "exempt" && held["reason"] as? String == "the IAM team rotates it")
        #expect(held["by_uid"] as? Int == Int(getuid()), "the real uid, in its own field")

        let plan = try await setup.run("plan")
        #expect(plan.stdout.contains("[held: snoozed until "), "\(plan.stdout)")
        #expect(plan.stdout.contains("[held: exempt (" + by))
        #expect(plan.stdout.contains("2 of the listed decisions are held by a snooze or exemption"))

        let lifted = try await BuiltProduct.run(
            ["unsnooze", "awx-main/4", "--reason", "vendor declined", "--config", setup.config], environment: sudo)
        #expect(lifted.status == 0 && lifted.stdout.contains("is no longer snoozed"), "\(lifted.stderr)")
        let again = try await setup.run("unsnooze", "awx-main/4")
        #expect(again.status == 1 && again.stderr.contains("awx-main/4 is neither snoozed nor exempt"), "\(again.stderr)")
        let history = try await setup.run("history", "awx-main/4")
        #expect(history.stdout.contains("snooze (admin)") && history.stdout.contains(by), "\(history.stdout)")
        #expect(history.stdout.contains("unsnooze (admin)") && history.stdout.contains("vendor declined"))
        // The real uid, in its own field of each admin entry of the permanent audit trail.
        let historyJSON = try await setup.run("history", "awx-main/4", "--json")
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(historyJSON.stdout.utf8)) as? [[String: Any]])
        let admin = entries.filter { $0["mode"] as? String == "admin" }
        #expect(admin.count == 2, "\(historyJSON.stdout)")
        // Codes for scripts, the printed line beside them.
        #expect(admin.map { $0["event"] as? String } == ["snooze", "unsnooze"])
        #expect(admin.map { $0["message"] as? String } == ["snooze (admin)", "unsnooze (admin)"])
        #expect(admin.allSatisfy { $0["outcome"] as? String == "succeeded" })
        #expect(admin.allSatisfy { $0["actor_uid"] as? Int == Int(getuid()) }, "\(admin)")
    }

    @Test(arguments: [
        (
            ["--until", "yesterday", "--reason", "x"],
            "--until \"yesterday\" is not a day (2026-12-24), a time (2026-12-24T09:00:00Z) or a span (14d)"
        ),
        (["--until", "2020-01-01", "--reason", "x"], "--until 2020-01-01T00:00:00Z is not in the future"),
        (["--until", "3d", "--reason", "  "], "--reason must say why"),
    ])
    func aSnoozeWithoutAFutureDateOrAReasonIsRefused(arguments: [String], message: String) async throws {
        let setup = try await Self.setup()
        let result = try await BuiltProduct.run(["snooze", "awx-main/4"] + arguments + ["--config", setup.config])
        #expect(result.status == 2, "a usage error, as everywhere")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    /// A bare day is its midnight where the host is, as rule windows read time; a time or a span is exact.
    @Test func aDayForUntilIsMidnightInTheHostsTimeZone() throws {
        let now = try ProviderTimestamp.parse("2026-12-06T12:00:00Z").date
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        let day = try Snooze.parseUntil("2027-01-04", now: now, timeZone: berlin)
        #expect(ProviderTimestamp.format(day) == "2027-01-03T23:00:00Z")
        let utc = try Snooze.parseUntil("2027-01-04", now: now, timeZone: TimeZone(identifier: "UTC")!)
        #expect(ProviderTimestamp.format(utc) == "2027-01-04T00:00:00Z")
        #expect(ProviderTimestamp.format(try Snooze.parseUntil("2027-01-04T09:00:00Z", now: now, timeZone: berlin)) == "2027-01-04T09:00:00Z")
    }

    @Test func validateNamesTheFileLineAndColumnOfABrokenTemplate() async throws {
        let setup = try CLITests.Setup()
        _ = try setup.dir.write("templates/digest.mustache", "{{summary}}\n\n{{#items}}\n{{token_name}}\n{{/item}}\n")
        let result = try await setup.run("validate")
        #expect(result.status == 2)
        #expect(result.stderr.contains(setup.dir.subpath("templates/digest.mustache") + ":5:"), "\(result.stderr)")
        #expect(result.stderr.contains("a section is closed with a name other than the one it opened with"))

        _ = try setup.dir.write("templates/digest.mustache", "{{summary}}: {{#items}}{{token_name}} {{/items}}\n")
        let fixed = try await setup.run("validate")
        #expect(fixed.status == 0, "\(fixed.stderr)")
    }

    @Test func anUnreachableWebhookIsAWarningNotAnError() async throws {
        let setup = try CLITests.Setup()
        let text = try String(contentsOfFile: setup.config, encoding: .utf8)
        // A port nothing listens on: connection refused at once.
        try Data((text + "\n[[notifier]]\nid = \"ops\"\nkind = \"webhook\"\nurl = \"http://127.0.0.1:9/hook\"\n").utf8)
            .write(to: URL(fileURLWithPath: setup.config))
        let result = try await setup.run("validate")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stderr.contains(
                "\(setup.config): notifier \"ops\" url: 127.0.0.1:9 could not be reached: connection refused (nothing listens there); "
                    + "its messages will wait in the outbox until it answers"), "\(result.stderr)")
        #expect(result.stdout.contains("templates: digest (built-in), alert (built-in)"))
    }
}
