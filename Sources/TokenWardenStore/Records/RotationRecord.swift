import Foundation
import TokenWardenCore

/// One rotation as the store keeps it: where it stands, the new token's id and secret fingerprint,
/// and how to deliver. Never the secret itself.
/// The rotator resumes from exactly this after a crash, so it holds everything a step needs.
public struct RotationRecord: Sendable, Hashable {
    public var id: Int64
    public var provider: String
    /// The token being replaced.
    public var tokenID: String
    public var rule: String?
    public var mode: ActionMode
    public var state: RotationState
    public var newTokenID: String?
    /// The name the successor was asked for (`SuccessorName`); nil in rotations begun before names
    /// differed, whose successor had the old token's name.
    public var newTokenName: String? = nil
    /// `sha256:` and the first 16 hex digits of the new secret's SHA-256.
    public var newSecretFingerprint: String?
    public var delivery: Delivery
    public var overlap: TimeSpan
    /// When the old token may be revoked: delivery time plus the overlap.
    public var revokeOldAfter: Date?
    public var startedAt: Date
    /// When the create request went out; nil while it has not (a crash before it sent nothing).
    public var createSentAt: Date? = nil
    public var updatedAt: Date
    /// Why it failed, or what is holding it up; never contains a secret.
    public var failure: String?
    /// The audit-trail entry of the rotation as a whole.
    public var actionID: Int64?
    /// Concluded because tokenwarden itself stopped (a kill, a crash, its own timeout), not because of
    /// the provider's answer: tried again at the next cycle, and no step of a run of failures.
    public var interrupted: Bool = false
    /// When the old token is revoked: after the overlap, or once the successor is seen in use.
    public var switchOver: SwitchOver = .afterOverlap
    /// When the successor was still unused at the switch-over deadline; nil otherwise.
    public var stalledAt: Date? = nil

    /// When the new secret was delivered (the overlap counts from it).
    public var deliveredAt: Date? { revokeOldAfter.map { $0.addingTimeInterval(-overlap.timeInterval) } }

    /// Delivered, and waiting for the provider to report the successor's use.
    public var awaitsSwitchOver: Bool {
        guard state == .delivered, case .whenSuccessorUsed = switchOver else { return false }
        return true
    }

    public var reference: String { "\(provider)/\(tokenID)" }
}
