import Foundation
import Testing
import TokenWardenConfig
import TokenWardenCore
import TokenWardenJournal
import TokenWardenSimulator
import TokenWardenStore

@testable import TokenWardenLifecycle

/// Who is told, when, and how often, over weeks of cycles on a moved clock: lead times, escalation,
/// snoozes, the owner map and digest windows. What is checked is the outbox (the messages queued),
/// so the tables say exactly which messages each cycle produced.
@Suite struct NoticeScheduleTests {
    static let policy = """
        [[rule]]
        name = "warn"
        when.expires_within = ["30d", "7d", "1d"]
        action = "notify"
        notify.to = ["owner"]
        notify.escalate_to = ["lead"]

        [[rule]]
        name = "expired"
        when.expired = true
        action = "notify"
        notify.to = ["owner"]
        notify.escalate_to = ["lead"]
        """

    /// Notifiers that are never sent through here (the outbox is read instead).
    static let notifiers = [
        Notifier(id: "ops", channel: .command(argv: ["/bin/true"])),
        Notifier(id: "lead", channel: .command(argv: ["/bin/true"])),
        Notifier(id: "mail", channel: .mail(to: ["ops@example.com"], from: nil, sendmail: "/bin/true")),
    ]

    static let owners = OwnerMap(
        entries: [OwnerMap.Entry(owner: Glob("alice"), recipient: .address("alice@example.com"))], fallback: "ops", mail: "mail",
        providerAddresses: true)

    /// One queued message as the tables write it: "mail→alice@example.com 7d escalated", "lead expired escalated".
    static func describe(_ message: OutboxMessage) throws -> [String] {
        let payload = try JSONDecoder().decode(NotificationPayload.self, from: Data(message.payload.utf8))
        return payload.items.map { item in
            var text = message.notifier + (message.recipient.map { "→" + $0 } ?? "") + " " + item.tokenName
            text += " " + (item.leadTime ?? item.rule)
            if item.escalated == true { text += " escalated" }
            if item.ownerUnresolved == true { text += " unresolved" }
            return text
        }
    }

    /// The messages queued since `after` (a row id), described; and the newest row id.
    static func queued(_ store: TokenStore, after: Int64) throws -> ([String], Int64) {
        let messages = try store.outbox(states: [.pending, .sent, .undeliverable]).filter { $0.id > after }.sorted { $0.id < $1.id }
        return (try messages.flatMap(describe).sorted(), messages.map(\.id).max() ?? after)
    }

    struct Step: Sendable, CustomStringConvertible {
        /// Days the clock moves before this cycle.
        let days: Double
        /// Snooze the token (for this many days) before the cycle.
        var snoozeDays: Double?
        let expected: [String]
        var description: String { "+\(days)d: \(expected)" }
    }

    /// A token that expires in 65 days, followed cycle by cycle to past its expiry.
    static let steps: [Step] = [
        Step(days: 0, expected: []),
        Step(days: 36, expected: ["mail→alice@example.com deploy 30d"]),  // 29 days left
        Step(days: 1, expected: []),  // 28: same lead time
        Step(days: 22, expected: ["lead deploy 7d escalated", "mail→alice@example.com deploy 7d escalated"]),  // 6 left, nothing done
        Step(days: 1, snoozeDays: 3, expected: []),  // 5 left, snoozed to 2 left
        Step(days: 1, expected: []),  // 4 left, still snoozed
        Step(days: 3.5, expected: ["mail→alice@example.com deploy 1d"]),  // 0.5 left: the snooze answered the 7d notice
        Step(days: 1, expected: ["lead deploy expired escalated", "mail→alice@example.com deploy expired escalated"]),
        Step(days: 1, expected: []),
    ]

    @Test func eachLeadTimeNotifiesOnceAndAnUnansweredNoticeEscalates() async throws {
        let token = LifecycleHarness.token("1", "deploy", createdDaysAgo: 300, owner: "alice")
        try await LifecycleHarness.with(kinds: [.awx], tokens: [.awx: [token]], policy: Self.policy) { harness async throws in
            var harness = harness
            harness.configuration.notifiers = Self.notifiers
            harness.configuration.owners = Self.owners
            var last: Int64 = 0
            for step in Self.steps {
                harness.clock.advance(by: step.days * 86_400)
                if let days = step.snoozeDays {
                    try harness.store.suspend(
                        provider: "sim-awx", tokenID: "1",
                        Suspension(
                            kind: .snooze, until: harness.clock.now.addingTimeInterval(days * 86_400), reason: "waiting for the vendor",
                            by: "alice (uid 1000)", at: harness.clock.now))
                }
                let report = try await harness.cycle()
                let (messages, newest) = try Self.queued(harness.store, after: last)
                last = newest
                #expect(messages == step.expected, "\(step)")
                let escalated = report.events.filter { $0.kind == .noticeEscalated }
                #expect(escalated.count == (step.expected.contains { $0.hasSuffix("escalated") } ? 1 : 0), "\(step)")
                if step.snoozeDays != nil {
                    #expect(report.events.map(\.kind) == [.heldByAdmin], "\(step)")
                    #expect(report.events.first?.message.contains("snoozed until") == true)
                    #expect(report.events.first?.message.contains("by alice (uid 1000): waiting for the vendor") == true)
                }
            }
            let history = try harness.store.history(provider: "sim-awx", tokenID: "1").filter { $0.source == .action }
            #expect(history.contains { $0.event == "snooze (admin)" && $0.detail.contains("by alice (uid 1000): waiting for the vendor") })
        }
    }

    /// The owner map names alice; bob is no one's (the fallback hears of it, marked, and the journal
    /// counts it); carol's address comes from Cryptlex's `user.email` (with provider_addresses = true).
    @Test func ownersResolveThroughTheMapTheProvidersAddressOrTheCountedFallback() async throws {
        let policy = """
            [[rule]]
            name = "warn"
            when.expires_within = "30d"
            action = "notify"
            notify.to = ["owner"]
            """
        let awx = [
            LifecycleHarness.token("1", "deploy", createdDaysAgo: 350, owner: "alice"),
            LifecycleHarness.token("2", "backup", createdDaysAgo: 350, owner: "bob"),
        ]
        let cryptlex = [LifecycleHarness.token("c-1", "licensing", createdDaysAgo: 350, owner: "carol")]
        try await LifecycleHarness.with(kinds: [.awx, .cryptlex], tokens: [.awx: awx, .cryptlex: cryptlex], policy: policy) { harness async throws in
            var harness = harness
            harness.configuration.notifiers = Self.notifiers
            harness.configuration.owners = Self.owners
            let report = try await harness.cycle()
            let (messages, _) = try Self.queued(harness.store, after: 0)
            #expect(
                messages == [
                    "mail→alice@example.com deploy 30d", "mail→carol@example.com licensing 30d", "ops backup 30d unresolved",
                ])
            let unresolved = report.events.filter { $0.kind == .ownersUnresolved }
            #expect(
                unresolved.map(\.message) == ["1 notice went to [owners] fallback ops: the owner map names no one for bob; add [[owner]] entries"])
        }
    }

    /// A notifier with `digest = "daily 09:00"` gathers what cycles find before 09:00 into one message
    /// due then (the same key throughout); what is found after 09:00 waits for the next day's.
    @Test func aDigestWindowGathersOneMessagePerRecipientUntilItOpens() async throws {
        let policy = """
            [[rule]]
            name = "warn"
            when.expires_within = "30d"
            action = "notify"
            notify.to = ["ops"]
            """
        try await LifecycleHarness.with(kinds: [.awx], tokens: [:], policy: policy) { harness async throws in
            var harness = harness
            var ops = Notifier(id: "ops", channel: .command(argv: ["/bin/true"]))
            ops.digest = DigestWindow(hour: 9, minute: 0)
            harness.configuration.notifiers = [ops]
            // To 08:00 UTC of the next day.
            var utc = Calendar(identifier: .gregorian)
            utc.timeZone = TimeZone(identifier: "UTC")!
            let eight = utc.nextDate(after: harness.clock.now, matching: DateComponents(hour: 8, minute: 0, second: 0), matchingPolicy: .nextTime)!
            harness.clock.advance(by: eight.timeIntervalSince(harness.clock.now))
            let nine = eight.addingTimeInterval(3_600)
            // Expiring in 20 days; 30 days and 30 minutes; 30 days and 75 minutes (crossing 30d at 08:30 and 09:15).
            let expiries: [(String, TimeInterval)] = [("a", 20 * 86_400), ("b", 30 * 86_400 + 1_800), ("c", 30 * 86_400 + 4_500)]
            let tokens = expiries.enumerated().map { index, expiry in
                let (name, left) = expiry
                return ObservedToken(
                    id: String(index + 1), name: name, owner: "admin", createdAt: eight.addingTimeInterval(-86_400),
                    expiresAt: eight.addingTimeInterval(left).atMillisecondPrecision)
            }
            await harness.simulator.provider(.awx).replaceTokens(tokens)

            _ = try await harness.cycle()
            let first = try harness.store.outbox(states: [.pending])
            #expect(first.count == 1)
            #expect(first.first?.nextAttemptAt == nine && first.first?.digestWindow == nine)
            harness.clock.advance(by: 45 * 60)  // 08:45: b crossed
            _ = try await harness.cycle()
            let gathered = try harness.store.outbox(states: [.pending])
            #expect(gathered.count == 1)
            #expect(gathered.first?.idempotencyKey == first.first?.idempotencyKey)
            #expect(try gathered.flatMap(Self.describe).sorted() == ["ops a 30d", "ops b 30d"])
            #expect(gathered.first?.subject == "tokenwarden: 2 tokens need attention")
            #expect(try harness.store.dueMessages(at: nine.addingTimeInterval(-1)).isEmpty)
            #expect(try harness.store.dueMessages(at: nine).map(\.idempotencyKey) == [first.first?.idempotencyKey])

            harness.clock.advance(by: 45 * 60)  // 09:30: c crossed after the window opened
            _ = try await harness.cycle()
            let next = try harness.store.outbox(states: [.pending]).sorted { $0.id < $1.id }
            #expect(next.count == 2)
            #expect(next.last?.nextAttemptAt == nine.addingTimeInterval(86_400))
            #expect(try next.last.map(Self.describe) == ["ops c 30d"])
        }
    }
}
