import Foundation
import Testing
import TokenWardenCore

/// When `tokenwarden status` says "needs attention" (exit 1) and when "healthy" (exit 0).
@Suite struct StatusReportTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static func ago(_ seconds: TimeInterval) -> Date { now.addingTimeInterval(-seconds) }
    static let running = StatusReport.Service(state: "active", detail: "running", since: ago(86_400))
    static func provider(_ id: String = "awx", polled: TimeInterval? = 60, succeeded: Bool? = true, failures: Int = 0) -> StatusReport.Provider {
        StatusReport.Provider(
            id: id, pollInterval: .minutes(15), lastPollAt: polled.map(ago), succeeded: polled == nil ? nil : succeeded,
            error: succeeded == false ? "GET /api/v2/tokens/ returned 503" : nil, consecutiveFailures: failures)
    }

    @Test(
        arguments: [
            ("running, every provider polled recently", StatusReport(service: running, providers: [provider(), provider("pco")]), [String]()),
            ("no systemd to ask, polled recently", StatusReport(service: nil, providers: [provider()]), []),
            ("held decisions are policy at work", StatusReport(service: running, providers: [provider()], held: 4, rotationsForAPerson: 2), []),
            (
                "the service failed", StatusReport(service: .init(state: "failed", detail: "failed", since: nil), providers: [provider()]),
                ["the service is failed (failed): `journalctl -u tokenwarden` says why"]
            ),
            (
                "the service is stopped: a stale poll is expected and not said twice",
                StatusReport(service: .init(state: "inactive", detail: "dead", since: nil), providers: [provider(polled: 86_400)]),
                ["the service is inactive (dead): `journalctl -u tokenwarden` says why"]
            ),
            (
                "the last poll failed, three times", StatusReport(service: running, providers: [provider(succeeded: false, failures: 3)]),
                ["awx: the last poll failed (3 times in a row): GET /api/v2/tokens/ returned 503"]
            ),
            (
                "polled more than 3 intervals ago", StatusReport(service: running, providers: [provider(polled: 3 * 900 + 1)]),
                ["awx: last polled 45m ago, more than 3 poll intervals (15m)"]
            ),
            ("polled exactly 3 intervals ago", StatusReport(service: running, providers: [provider(polled: 3 * 900)]), []),
            ("never polled, long after the start", StatusReport(service: running, providers: [provider(polled: nil)]), ["awx has never been polled"]),
            (
                "never polled, just started",
                StatusReport(service: .init(state: "active", detail: "running", since: ago(30)), providers: [provider(polled: nil)]), []
            ),
            ("never polled, no systemd", StatusReport(service: nil, providers: [provider(polled: nil)]), ["awx has never been polled"]),
            (
                "a rotation stuck in created for 2h",
                StatusReport(service: running, providers: [provider()], rotations: [.init(token: "awx/10", state: "created", since: ago(7_200))]),
                ["the rotation of awx/10 has been created for 2h"]
            ),
            (
                "a rotation in its overlap for a day",
                StatusReport(service: running, providers: [provider()], rotations: [.init(token: "awx/10", state: "delivered", since: ago(86_400))]),
                []
            ),
            (
                "a rotation 10 minutes in",
                StatusReport(service: running, providers: [provider()], rotations: [.init(token: "awx/10", state: "planned", since: ago(600))]), []
            ),
            (
                "the database check found damage",
                StatusReport(service: running, providers: [provider()], lastCheckAt: ago(60), lastCheckResult: "damaged: page 7"),
                ["the last database check found damage: damaged: page 7"]
            ),
            (
                "the database cannot be read: nothing else is claimed",
                StatusReport(
                    service: running, providers: [provider(polled: nil)], databaseProblem: "cannot use the token database: permission denied"),
                ["the database cannot be read: cannot use the token database: permission denied"]
            ),
            (
                "the policies are broken",
                StatusReport(
                    service: running, providers: [provider()],
                    policyProblem: "2 problems in the configuration:\n  10-a.toml:3: unknown key\n  10-a.toml:4: unknown action"),
                ["the configuration on disk has 2 problems (listed under \"configuration on disk\"), so a reload or restart would be refused"]
            ),
            (
                "the policies are broken and the daemon runs what it loaded before",
                {
                    var report = StatusReport(
                        service: running, providers: [provider()], policyProblem: "1 problem in the configuration:\n  10-a.toml:3: unknown key")
                    report.configLoadedAt = ago(7_200)
                    return report
                }(),
                [
                    "the configuration on disk has a problem (listed under \"configuration on disk\"), so a reload or restart would be refused; "
                        + "the daemon runs the "
                        + "configuration it loaded at 2027-01-15T06:00:00Z"
                ]
            ),
            (
                "a refused reload whose files were fixed since",
                {
                    var report = StatusReport(service: running, providers: [provider()])
                    report.configLoadedAt = ago(7_200)
                    report.reloadRefusedAt = ago(3_600)
                    return report
                }(),
                [
                    "the daemon refused the reload of 2027-01-15T07:00:00Z and still runs the configuration it loaded at "
                        + "2027-01-15T06:00:00Z; the files are valid now: `systemctl reload tokenwarden` applies them"
                ]
            ),
        ] as [(String, StatusReport, [String])])
    func attention(_ situation: String, report: StatusReport, expected: [String]) {
        #expect(report.attention(now: Self.now) == expected, "\(situation)")
    }

    @Test(
        arguments: [
            (8.0 * 86_400, [String]()),
            (3 * 86_400, ["awx: tokenwarden's own credential awx/42 expires in 3d: replace it (README \"Its own credential\")"]),
            (-2 * 86_400, ["awx: tokenwarden's own credential awx/42 expired 2d ago: replace it (README \"Its own credential\")"]),
        ] as [(TimeInterval, [String])])
    func itsOwnCredentialNeedsAttentionFromAWeekBeforeItExpires(left: TimeInterval, expected: [String]) {
        var awx = Self.provider()
        awx.ownCredential = "awx/42"
        awx.ownCredentialExpiresAt = Self.now + left
        #expect(StatusReport(service: Self.running, providers: [awx]).attention(now: Self.now) == expected)
    }
}
