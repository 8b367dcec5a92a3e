import Crypto
import Foundation
import Testing
import TokenWardenCore
import TokenWardenJournal
import TokenWardenLifecycle
import TokenWardenSimulator
import TokenWardenTestSupport

/// Notifications from the running daemon to a real HTTP receiver on loopback, on the test clock.
@Suite(.timeLimit(.minutes(1)))
struct NotificationDeliveryTests {
    static let policy = """
        [[rule]]
        name = "warn"
        when.expires_within = "400d"
        action = "notify"
        notify.to = ["ops"]
        """

    static let hmacKey = "a-shared-webhook-key-0123456789"
    static let receiverToken = "PLANTED-receiver-token-77c1"

    /// A webhook notifier with an HMAC key and the receiver's bearer token, each in a 0600 file.
    static func webhook(_ simulator: ProviderSimulator, _ directory: TemporaryDirectory) throws -> String {
        let key = try directory.write("webhook.key", hmacKey + "\n", mode: 0o600)
        let token = try directory.write("webhook.token", receiverToken + "\n", mode: 0o600)
        return """

            [[notifier]]
            id = "ops"
            kind = "webhook"
            url = "\(simulator.webhookURL("ops"))"
            secret = "\(key)"
            credential = "\(token)"

            """
    }

    /// The receiver is down for the first two attempts: the digest is retried 1 and 2 minutes later,
    /// arrives once, signed, with the idempotency key in a header and in the payload, and holds
    /// token facts but no credential.
    @Test func aDigestReachesTheWebhookOnceThroughAnOutageSignedAndWithoutSecrets() async throws {
        let tokens = [DaemonHarness.token("1", "deploy", createdDaysAgo: 10), DaemonHarness.token("2", "backup", createdDaysAgo: 20)]
        try await DaemonHarness.with(kinds: [.awx], tokens: [.awx: tokens], policy: Self.policy, config: Self.webhook) { daemon in
            await daemon.simulator.webhook.fail(next: 2)
            #expect(await daemon.clock.waitForSleepers(1))
            daemon.clock.advanceToNextDeadline()
            _ = await daemon.nextReport()
            let first = try #require(await daemon.nextOutboxPass())
            #expect(first.map(\.kind) == [.notificationFailed], "\(first.map(\.message))")
            #expect(first.first?.message.contains("answered 503") == true, "\(first.map(\.message))")

            // 60 s later (to the millisecond the store keeps): the next poll, nothing new, and the
            // first retry, which fails again; then the poll and the retry 60 s and 120 s after that.
            #expect(await daemon.clock.waitForSleepers(2))
            #expect(daemon.clock.pendingDeadlines.map { Self.seconds($0) } == [67.5, 67.5])
            daemon.clock.advance(by: .seconds(60.1))
            _ = await daemon.nextReport()
            #expect(try #require(await daemon.nextOutboxPass()).map(\.kind) == [.notificationFailed])
            #expect(await daemon.clock.waitForSleepers(2))
            #expect(daemon.clock.pendingDeadlines.map { Self.seconds($0) } == [127.6, 187.6])
            daemon.clock.advance(by: .seconds(60))
            _ = await daemon.nextReport()
            daemon.clock.advance(by: .seconds(60))
            #expect(try #require(await daemon.nextOutboxPass()).map(\.kind) == [.notificationSent])

            let received = await daemon.simulator.webhook.received
            #expect(received.count == 1)
            let delivery = try #require(received.first)
            let payload = try JSONDecoder().decode(NotificationPayload.self, from: delivery.body)
            #expect(payload.schema == "tokenwarden.notification/1")
            #expect(delivery.headers["x-tokenwarden-idempotency-key"] == payload.id)
            #expect(payload.items.map(\.tokenName) == ["backup", "deploy"], "sorted by expiry, soonest first")
            #expect(payload.items.first?.command == "tokenwarden show sim-awx/2")
            // Signed as README says: HMAC-SHA256 of the timestamp header, a dot and the body; the
            // timestamp is the send time (the test clock), so a replay later is refused.
            let timestamp = try #require(delivery.headers["x-tokenwarden-timestamp"])
            #expect(Int64(timestamp) == Int64(daemon.clock.date.timeIntervalSince1970), "sent at the test clock's time")
            let signed = Data((timestamp + ".").utf8) + delivery.body
            let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Data(Self.hmacKey.utf8)))
            #expect(delivery.headers["x-tokenwarden-signature-256"] == "sha256=" + mac.map { String(format: "%02x", $0) }.joined())
            #expect(delivery.headers["authorization"] == "Bearer " + Self.receiverToken, "the receiver's credential, as a header")
            let credential = await daemon.simulator.provider(.awx).credential
            let text = String(decoding: delivery.body, as: UTF8.self) + delivery.headers.filter { $0.key != "authorization" }.values.joined()
            #expect(!text.contains(credential) && !text.contains(Self.hmacKey) && !text.contains(Self.receiverToken))
            // Nor in the database (the outbox keeps the payload) or what the daemon journaled.
            let state = daemon.directory.subpath("sim/state/tokenwarden.sqlite")
            let stored = ["", "-wal"].compactMap { try? Data(contentsOf: URL(fileURLWithPath: state + $0)) }.reduce(Data(), +)
            #expect(!stored.isEmpty)
            for planted in [credential, Self.hmacKey, Self.receiverToken] {
                #expect(stored.range(of: Data(planted.utf8)) == nil)
                #expect(!daemon.journal.contains { $0.message.contains(planted) })
            }
        }
    }

    /// A receiver that rejects the request and echoes every header it got (our bearer credential
    /// and signature among them): its answer is quoted in the journal and the outbox scrubbed of the
    /// credential and the signing key.
    @Test func aReceiverEchoingOurCredentialNeverGetsItLoggedOrStored() async throws {
        let tokens = [DaemonHarness.token("1", "deploy", createdDaysAgo: 10)]
        try await DaemonHarness.with(kinds: [.awx], tokens: [.awx: tokens], policy: Self.policy, config: Self.webhook) { daemon in
            await daemon.simulator.webhook.rejectEchoingHeaders(next: 1)
            #expect(await daemon.clock.waitForSleepers(1))
            daemon.clock.advanceToNextDeadline()
            _ = await daemon.nextReport()
            let first = try #require(await daemon.nextOutboxPass())
            #expect(first.map(\.kind) == [.notificationFailed], "\(first.map(\.message))")
            let message = try #require(first.first?.message)
            #expect(message.contains("answered 401: rejected credentials:") && message.contains("authorization=<redacted>"), "\(message)")
            let state = daemon.directory.subpath("sim/state/tokenwarden.sqlite")
            let stored = ["", "-wal"].compactMap { try? Data(contentsOf: URL(fileURLWithPath: state + $0)) }.reduce(Data(), +)
            #expect(!stored.isEmpty)
            for planted in [Self.hmacKey, Self.receiverToken] {
                #expect(!message.contains(planted))
                #expect(stored.range(of: Data(planted.utf8)) == nil)
                #expect(!daemon.journal.contains { $0.message.contains(planted) })
            }
        }
    }

    /// What needs an admin (here the blast-radius limit) goes to `[daemon] alert_to` as an alert,
    /// in the cycle it happened; a report-only notice does not.
    @Test func theBlastRadiusLimitIsAnAlertToTheAdminNotifiers() async throws {
        let policy = """
            [[rule]]
            name = "revoke-old"
            match.name = "old-*"
            when.age_over = "100d"
            action = "revoke"
            """
        let tokens = [DaemonHarness.token("1", "old-a", createdDaysAgo: 200), DaemonHarness.token("2", "old-b", createdDaysAgo: 200)]
        try await DaemonHarness.with(
            kinds: [.awx], tokens: [.awx: tokens], policy: policy, enforce: true, maxActions: 1, daemonKeys: "alert_to = [\"ops\"]\n",
            config: Self.webhook
        ) { daemon in
            #expect(await daemon.clock.waitForSleepers(1))
            daemon.clock.advanceToNextDeadline()
            let report = try #require(await daemon.nextReport())
            #expect(report.events.map(\.kind) == [.actionDeferred, .limitReached, .tokenRevoked], "\(report.events.map(\.message))")
            #expect(try #require(await daemon.nextOutboxPass()).map(\.kind) == [.notificationSent])
            let delivery = try #require(await daemon.simulator.webhook.received.first)
            let payload = try JSONDecoder().decode(NotificationPayload.self, from: delivery.body)
            #expect(payload.kind == "alert" && payload.items.isEmpty)
            #expect(payload.alerts?.map(\.event) == ["limit-reached"])
            #expect(payload.alerts?.first?.message.hasPrefix("2 revokes and rotations were due but the blast-radius limit allows 1") == true)
        }
    }

    /// A provider whose polls fail for longer than `alert_after_failing` is one alert to the admin
    /// notifiers, at the first failed poll past the span, not one per failed poll.
    @Test func aProviderFailingLongerThanTheSetSpanIsOneAlert() async throws {
        try await DaemonHarness.with(kinds: [.awx], daemonKeys: "alert_to = [\"ops\"]\nalert_after_failing = \"5m\"\n", config: Self.webhook) {
            daemon in
            await daemon.simulator.provider(.awx).inject(SimulatorFault(provider: .awx, behaviour: .status(503), count: 5))
            // Failures at 7.5 s, then 2, 4, 8 and 8 minutes later (backoff): the third is 6 minutes in.
            var failing: [Int] = []
            for poll in 1...6 {
                #expect(await daemon.clock.waitForSleepers(1))
                daemon.clock.advanceToNextDeadline()
                let report = try #require(await daemon.nextReport())
                #expect(report.polls.first?.succeeded == (poll == 6))
                if report.events.contains(where: { $0.kind == .providerFailing }) { failing.append(poll) }
                if poll == 3 {
                    #expect(try #require(await daemon.nextOutboxPass()).map(\.kind) == [.notificationSent])
                }
            }
            #expect(failing == [3])
            let message = try #require(daemon.journal(.providerFailing).first?.message)
            #expect(message.hasPrefix("provider sim-awx has failed every poll since "), "\(message)")
            #expect(message.contains(" (for 6m): "), "\(message)")
            let delivery = try #require(await daemon.simulator.webhook.received.first)
            let payload = try JSONDecoder().decode(NotificationPayload.self, from: delivery.body)
            #expect(payload.kind == "alert" && payload.alerts?.map(\.event) == ["provider-failing"])
        }
    }

    /// A deadline in seconds, to the tenth (the store keeps milliseconds, the clock nanoseconds).
    static func seconds(_ duration: Duration) -> Double {
        ((Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18) * 10).rounded() / 10
    }
}
