import Foundation
import Testing
import TokenWardenCore
import TokenWardenJournal
import TokenWardenStore

@testable import TokenWardenLifecycle

/// A decision reported rather than carried out: the journal and the audit trail are worded from
/// one table, so each (handling, hold) gives one kind, one outcome and words that agree.
@Suite struct DecisionReportTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let token = Token(provider: "awx", id: "7", name: "ci", state: .active, firstSeenAt: now, lastSeenAt: now)

    static func report(_ how: PolicyActuator.Handling, hold: Decision.Hold? = nil, action: RuleAction = .revoke) -> DecisionReport {
        var decision = Decision(token: token, action: action, rule: "r", matchedRules: ["r"], reason: "unused for 400 days", hold: hold)
        if hold == .exempt {
            decision.suspension = Suspension(kind: .exempt, until: nil, reason: "break-glass", by: "alice", at: now)
        }
        return DecisionReport(
            decision, how,
            DecisionReport.Context(
                limit: "max_actions_per_cycle = 2", failedAt: now - 3_600, gaveUp: nil, destination: "file /t", enforce: true, now: now))
    }

    @Test(
        arguments: [
            (PolicyActuator.Handling.notify, nil, JournalEvent.Kind.tokenNotified, ActionOutcome.succeeded, nil),
            (.report, nil, .wouldAct, .skipped, nil),
            (.held, .exempt, .heldByAdmin, .skipped, "break-glass"),
            (.held, .ownCredential, .heldOwnCredential, .skipped, "itself signs in with"),
            (.held, .needsPerson, .needsPerson, .skipped, "has no API"),
            (.held, .sharedDestination, .needsPerson, .skipped, "file /t"),
            (.held, .ownerCredentialMissing, .needsPerson, .skipped, "no credential of the token's owner"),
            (.deferred, nil, .actionDeferred, .skipped, "max_actions_per_cycle = 2"),
            (.waiting, nil, .actionDeferred, .skipped, "not tried again before 2027-01-15T13:00:00Z"),
            (.gaveUp, nil, .actionDeferred, .skipped, "held: "),
        ] as [(PolicyActuator.Handling, Decision.Hold?, JournalEvent.Kind, ActionOutcome, String?)])
    func eachHandlingGivesOneKindOneOutcomeAndAgreeingWords(
        how: PolicyActuator.Handling, hold: Decision.Hold?, kind: JournalEvent.Kind, outcome: ActionOutcome, error: String?
    ) {
        let report = Self.report(how, hold: hold, action: how == .notify ? .notify : .revoke)
        #expect(report.event.kind == kind)
        #expect(report.audit.outcome == outcome)
        #expect(report.audit.mode == .enforce && report.audit.occurredAt == Self.now)
        if let error {
            #expect(report.audit.error?.contains(error) == true, "\(report.audit.error ?? "no error")")
        } else {
            #expect(report.audit.error == nil)
        }
        #expect(report.event.message.contains("awx/7 \"ci\""), "the journal names the token: \(report.event.message)")
    }
}
