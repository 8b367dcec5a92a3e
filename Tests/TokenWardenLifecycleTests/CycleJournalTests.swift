import Foundation
import Testing
import TokenWardenJournal
import TokenWardenStore

@testable import TokenWardenLifecycle

/// A cycle's journal entries: one kind per meaning, and the failures in a row carried by the poll.
@Suite struct CycleJournalTests {
    struct Planted: Error, CustomStringConvertible { var description: String { "disk I/O error" } }

    static func poll(error: String? = nil, failedBefore: Int = 0, changed: Int = 0, first: Bool = false) -> PollResult {
        var summary = ObservationSummary()
        summary.seen = changed
        for index in 0..<changed where index < ObservationSummary.changeLimit {
            summary.changes.append(TokenChange(tokenID: "\(index)", tokenName: "t\(index)", kind: .changed))
        }
        summary.changed = changed
        var poll = PollResult(provider: "awx", summary: summary, gone: 0, error: error, seconds: 0.5)
        poll.failedBefore = failedBefore
        poll.firstListing = first
        return poll
    }

    @Test(
        arguments: [
            ("a failed poll counts this one", poll(error: "503", failedBefore: 2), [JournalEvent.Kind.pollFailed], "(3 in a row): 503"),
            ("a poll after failures recovers first", poll(failedBefore: 4), [.pollRecovered, .pollSucceeded], "after 4 failed polls"),
            ("a few changes are each an entry", poll(changed: 2), [.pollSucceeded, .tokenChanged, .tokenChanged], "2 changed"),
            (
                "more changes than a poll lists end in many-changes", poll(changed: ObservationSummary.changeLimit + 1),
                [.pollSucceeded] + Array(repeating: .tokenChanged, count: ObservationSummary.changeLimit) + [.manyChanges],
                "`tokenwarden history` lists them all"
            ),
        ] as [(String, PollResult, [JournalEvent.Kind], String)])
    func aPollIsJournalledByWhatItMeant(_ situation: String, poll: PollResult, kinds: [JournalEvent.Kind], says: String) {
        let events = CycleReport(polls: [poll]).journalEvents()
        #expect(events.map(\.kind) == kinds, "\(situation)")
        #expect(events.contains { $0.message.contains(says) }, "\(situation): \(events.map(\.message))")
    }

    @Test func anUnusableProviderIsItsOwnKindAndNoAlert() {
        let events = CycleReport(polls: [], unusable: [UnusableProvider(provider: "sp", reason: "no such file")]).journalEvents()
        #expect(events.map(\.kind) == [.providerUnusable])
        #expect(events.first?.message == "provider sp cannot be polled: no such file")
        #expect(OutboxMessage.alerts(events, to: ["ops"], at: Date()).isEmpty)
    }

    @Test func aCycleThatStoppedOnItsOwnErrorIsCycleFailedAndAnAlert() {
        let event = JournalEvent.cycleFailed("awx", error: Planted())
        #expect(event.kind == .cycleFailed && event.priority == .error)
        #expect(event.message == "provider awx: the cycle stopped: disk I/O error; the next cycle tries again")
        #expect(OutboxMessage.alerts([event], to: ["ops"], at: Date()).count == 1)
    }
}
