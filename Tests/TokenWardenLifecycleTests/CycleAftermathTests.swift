import Foundation
import Synchronization
import Testing
import TokenWardenJournal
import TokenWardenStore
import TokenWardenTestSupport

@testable import TokenWardenLifecycle

/// The steps after a cycle, the same for the daemon and `sync`: journal, alerts, outbox, metrics.
@Suite struct CycleAftermathTests {
    static let failed = JournalEvent(.rotationFailed, .error, "the rotation of sim-awx/10 failed: planted", provider: "sim-awx")

    final class Steps: Sendable {
        let steps = Mutex<[String]>([])
        func add(_ step: String) { steps.withLock { $0.append(step) } }
        var all: [String] { steps.withLock { $0 } }
    }

    @Test func theStepsRunInOneOrderAndTheAlertIsQueuedBeforeTheOutboxSends() async throws {
        let dir = try TemporaryDirectory()
        let store = try TokenStore.open(path: dir.subpath("t.sqlite"))
        let steps = Steps()
        let added = await CycleAftermath(store: store, alertTo: ["ops"]).run(
            CycleReport(polls: [], events: [Self.failed]), at: Date(),
            journal: { events in steps.add("journal \(events.count)") },
            outbox: {
                steps.add("outbox sees \((try? store.outbox(states: [.pending]).count) ?? -1) pending")
                return []
            },
            metrics: { _ in steps.add("metrics") })
        #expect(steps.all == ["journal 1", "outbox sees 1 pending", "journal 0", "metrics"])
        #expect(added.isEmpty)
    }

    @Test func anAlertThatCannotBeQueuedIsJournalledNotDropped() async throws {
        let dir = try TemporaryDirectory()
        _ = try TokenStore.open(path: dir.subpath("t.sqlite"))
        // A store that takes no write.
        let readOnly = try TokenStore.openReadOnly(path: dir.subpath("t.sqlite"))
        let journalled = Mutex<[JournalEvent]>([])
        let added = await CycleAftermath(store: readOnly, alertTo: ["ops"]).run(
            CycleReport(polls: [], events: [Self.failed]), at: Date(),
            journal: { events in journalled.withLock { $0 += events } }, outbox: { [] }, metrics: { _ in })
        let failure = try #require(added.first)
        #expect(failure.kind == .notificationFailed && failure.priority == .error)
        #expect(failure.message.hasPrefix("the alerts of this cycle could not be queued for ops: "), "\(failure.message)")
        #expect(journalled.withLock { $0 }.contains(failure))
    }
}
