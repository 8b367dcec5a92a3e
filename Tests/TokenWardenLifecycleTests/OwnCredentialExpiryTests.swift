import Foundation
import Testing
import TokenWardenCore
import TokenWardenJournal
import TokenWardenSimulator
import TokenWardenStore

@testable import TokenWardenLifecycle

/// tokenwarden's own credential (the harness's `self_token_id` 999999), watched whatever the rules
/// say: one warning per threshold, to `alert_to`, through whole cycles on the test clock.
@Suite struct OwnCredentialExpiryTests {
    static let policy = """
        [[rule]]
        name = "nothing"
        match.name = "no-such-token-*"
        when.expired = true
        action = "notify"
        """

    @Test func aWarningAt30And7And1DaysAndOnceExpiredEachOnceToAlertTo() async throws {
        let created = Date().addingTimeInterval(-300 * 86_400).atMillisecondPrecision
        var own = ObservedToken(id: "999999", name: "tokenwarden", owner: "admin", createdAt: created)
        own.expiresAt = Date().addingTimeInterval(20 * 86_400).atMillisecondPrecision
        try await LifecycleHarness.with(kinds: [.awx], tokens: [.awx: [own]], policy: Self.policy) { harness async throws in
            var harness = harness
            harness.configuration.notifiers = [Notifier(id: "ops", channel: .command(argv: ["/bin/true"]))]
            harness.configuration.daemon.alertTo = ["ops"]
            let first = try await harness.cycle()
            let warned = first.events.filter { $0.kind == .ownCredentialExpiring }
            #expect(warned.count == 1 && warned[0].priority == .warning, "\(first.events.map(\.message))")
            #expect(warned[0].message.hasPrefix("tokenwarden's own credential at sim-awx (sim-awx/999999 \"tokenwarden\") expires in"))
            #expect(try await harness.cycle().events.filter { $0.kind == .ownCredentialExpiring }.isEmpty, "said once per threshold")

            harness.clock.advance(by: 14 * 86_400)
            let week = try await harness.cycle().events.filter { $0.kind == .ownCredentialExpiring }
            #expect(week.map(\.priority) == [.error])
            harness.clock.advance(by: 7 * 86_400)
            let expired = try await harness.cycle().events.filter { $0.kind == .ownCredentialExpiring }
            #expect(expired.map(\.priority) == [.critical])
            #expect(expired.first?.message.contains("expired at") == true)
            let alerts = OutboxMessage.alerts(warned + week + expired, to: harness.configuration.daemon.alertTo, at: harness.clock.now)
            #expect(alerts.count == 1 && alerts[0].payload.contains("own-credential-expiring"), "the warning counts as an alert")
        }
    }
}
