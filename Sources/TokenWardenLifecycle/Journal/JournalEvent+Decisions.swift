import Foundation
import TokenWardenCore
import TokenWardenJournal
import TokenWardenStore

/// How the journal words what a cycle did: the admin-facing English of revokes and rotations (a
/// decision only reported is worded by `DecisionReport`, with its audit entry). `PolicyActuator`
/// only classifies, reserves and writes.
extension JournalEvent {
    /// tokenwarden stopped retrying a token's writes (once per run of failures: an admin alert).
    static func gaveUp(_ run: WriteFailureRun, token: Token?) -> JournalEvent {
        JournalEvent(
            .writesGaveUp, .error,
            "gave up on \(run.reference)\(token.map { " \"\($0.name)\"" } ?? ""): \(run.failures) attempts in a row failed, "
                + "the last: \(run.lastError). Nothing more is tried until `tokenwarden retry \(run.reference) --reason TEXT`",
            provider: run.provider, token: token, tokenID: run.tokenID)
    }

    /// More new decisions than one cycle reports.
    static func reportsPending(_ pending: Int, perCycle: Int) -> JournalEvent {
        JournalEvent(
            .reportsPending, .notice,
            "\(pending) more decisions to report; they follow, \(perCycle) per cycle (`tokenwarden plan --all` lists every decision now)")
    }

    /// A notice about a token whose earlier notice about the same expiry went unanswered.
    static func escalated(_ decision: Decision, to recipients: [String]) -> JournalEvent {
        let token = decision.token
        let told = recipients.isEmpty ? "no notify.escalate_to in rule \(decision.rule)" : "told \(recipients.joined(separator: ", ")) too"
        return JournalEvent(
            .noticeEscalated, .warning,
            "\(token.reference) \"\(token.name)\": the earlier notice went unanswered and \(decision.reason); \(told)",
            token: token, rule: decision.rule, action: .notify)
    }

    /// Notices whose owner the owner map did not resolve, sent to the fallback.
    static func ownersUnresolved(_ tokens: [Token], fallback: String) -> JournalEvent {
        let owners = Set(tokens.map { $0.owner ?? $0.extras["owner_id"] ?? "(no owner)" }).sorted()
        let listed = owners.prefix(5).joined(separator: ", ") + (owners.count > 5 ? ", …" : "")
        return JournalEvent(
            .ownersUnresolved, .warning,
            "\(tokens.count == 1 ? "1 notice" : "\(tokens.count) notices") went to [owners] fallback \(fallback): the owner map names no one "
                + "for \(listed); add [[owner]] entries")
    }

    /// More writes were due than the blast-radius limit allows.
    static func limitReached(due: Int, allowed: Int, heldBack: Int, first: [Token]) -> JournalEvent {
        let listed = first.prefix(5).map(\.reference).joined(separator: ", ") + (heldBack > 5 ? ", …" : "")
        return JournalEvent(
            .limitReached, .critical,
            "\(due) revokes and rotations were due but the blast-radius limit allows \(allowed) this cycle; "
                + "\(heldBack) held back (\(listed)). "
                + "Check the rules and the provider before raising max_actions_per_cycle: this many at once is usually a bug, not policy")
    }

    /// A write the cycle could not start: no usable driver, or no usable owner credential.
    static func cannotWrite(_ decision: Decision, because reason: String) -> JournalEvent {
        JournalEvent(
            decision.action == .revoke ? .revokeFailed : .rotationFailed, .error,
            "cannot \(decision.action.rawValue) \(decision.token.reference): \(reason)",
            token: decision.token, rule: decision.rule, action: decision.action)
    }

    /// A rotation put off to a later cycle, and why.
    static func rotationPutOff(_ token: Token, rule: String, _ why: String, priority: Priority = .warning) -> JournalEvent {
        JournalEvent(.actionDeferred, priority, why, token: token, rule: rule, action: .rotate)
    }

    /// How a revoke ended.
    public static func revoke(_ outcome: TokenRevoker.Outcome, token: Token, rule: String?) -> JournalEvent {
        let named = "\(token.reference) \"\(token.name)\""
        return switch outcome {
        case .revoked:
            JournalEvent(.tokenRevoked, .notice, "revoked \(named)", token: token, rule: rule, action: .revoke)
        case .alreadyGone:
            JournalEvent(.tokenRevoked, .notice, "\(named) was already gone at the provider", token: token, rule: rule, action: .revoke)
        case .failed(let reason):
            JournalEvent(
                .revokeFailed, .error, "revoking \(named) failed, retried next cycle: \(reason)", token: token, rule: rule, action: .revoke)
        }
    }

    /// Where a rotation stands after it was carried as far as it could go (`token` is its old token).
    public static func rotation(_ record: RotationRecord, token: Token?) -> JournalEvent {
        let name = token.map { "\(record.reference) \"\($0.name)\"" } ?? record.reference
        let new = "\(record.newTokenID ?? "?") (\(record.newSecretFingerprint ?? "no fingerprint"))"
        let (kind, priority, message): (Kind, Priority, String) =
            switch record.state {
            case .done:
                (.tokenRotated, .notice, "rotated \(name): new token \(new) delivered to \(record.delivery); the old token is revoked")
            case .delivered:
                (
                    .rotationDelivered, .notice,
                    "rotating \(name): new token \(new) delivered to \(record.delivery); the old token is revoked after "
                        + (record.revokeOldAfter.map(ProviderTimestamp.format) ?? "the overlap")
                        + (record.failure.map { " (last attempt: \($0))" } ?? "")
                )
            case .failed:
                (.rotationFailed, .error, "rotation of \(name) failed: \(record.failure ?? "unknown reason"); the old token is untouched")
            case .planned, .created, .compensating, .oldRevoked:
                (
                    .rotationStalled, .warning,
                    "rotation of \(name) is \(record.state.rawValue) and will be resumed next cycle: \(record.failure ?? "waiting")"
                )
            }
        return JournalEvent(kind, priority, message, provider: record.provider, token: token, rule: record.rule, action: .rotate)
    }

    /// A successor still unused at `switch_over_deadline`: the old token stays valid.
    static func switchOverStalled(_ record: RotationRecord, token: Token?) -> JournalEvent {
        JournalEvent(
            .switchOverStalled, .error, "rotation of \(record.reference)\(token.map { " \"\($0.name)\"" } ?? ""): \(record.failure ?? "stalled")",
            provider: record.provider, token: token, rule: record.rule, action: .rotate)
    }

    /// Another rotation holds the lock: unfinished rotations wait for the next cycle.
    static let rotationLockBusy = JournalEvent(
        .rotationStalled, .notice,
        "another rotation is running (another provider's cycle, or an admin's `tokenwarden rotate`); unfinished rotations are resumed next cycle")

    static func verb(_ action: RuleAction) -> String {
        switch action {
        case .notify: "notified"
        case .rotate: "rotated"
        case .revoke: "revoked"
        }
    }
}

extension WriteFailureRun {
    /// Why a token's writes are held after tokenwarden gave up on them, and how to re-arm them.
    static func heldText(_ run: WriteFailureRun?, reference: String) -> String {
        let failures = run.map { "\($0.failures) attempts in a row failed (the last: \($0.lastError))" } ?? "its writes kept failing"
        return "tokenwarden gave up: \(failures); `tokenwarden retry \(reference) --reason TEXT` re-arms it"
    }
}

extension JournalEvent {
    /// How a `tokenwarden rehearse` ended.
    public static func rehearsal(_ record: RehearsalRecord) -> JournalEvent {
        let who = record.owner.map { " as \($0)" } ?? ""
        return JournalEvent(
            record.passed == true ? .rehearsalPassed : .rehearsalFailed, record.passed == true ? .notice : .error,
            "rehearsal of \(record.provider)\(who): \(record.verdict)", provider: record.provider)
    }
}
