import Foundation

/// A provider's own credential and when `rotate_own_credential` replaces it: due once it expires
/// within the lead; acted on by a cycle only when nothing holds it.
public struct OwnCredentialRotation: Sendable {
    /// What keeps a due rotation from starting now.
    public enum Hold: String, Sendable {
        /// `enforce = false`: `plan` shows it, nothing is created.
        case reportOnly = "report-only"
        case paused
        /// A rotation of this token is under way (waiting out its overlap, or resumed next cycle).
        case inProgress = "in-progress"
        /// Its rotation failed `give_up_after` times in a row: left for a person (`tokenwarden retry`).
        case gaveUp = "gave-up"
        /// Its last rotation failed within the rotation retry delay (6 hours, as for rules): not a
        /// successor made and revoked at every cycle.
        case retryLater = "retry-later"
        /// The token lives no longer than the lead, or its creation is not known (so neither is the
        /// lifetime a successor gets): each successor could be due the moment it exists, and be
        /// replaced again at every cycle.
        case lifetimeWithinLead = "lifetime-within-lead"
    }

    /// How long the old credential stays valid after its successor is stored: the daemon switches
    /// at once, and an admin's command started just before has this long to finish with the old one.
    public static let overlap = TimeSpan.hours(1)

    public let token: Token
    public let lead: TimeSpan
    public let dueAt: Date
    public var hold: Hold?

    /// The rotation of `token` (which expires) with `lead`, or nil when it never expires.
    public init?(token: Token, lead: TimeSpan) {
        guard let expires = token.expiresAt else { return nil }
        self.token = token
        self.lead = lead
        dueAt = expires.addingTimeInterval(-lead.timeInterval)
        hold = nil
    }

    public func isDue(at now: Date) -> Bool { now >= dueAt }

    /// Whether a successor with the same lifetime would be due as soon as it is made (or may be:
    /// without a creation time the lifetime is unknown).
    public var lifetimeWithinLead: Bool {
        guard let created = token.createdAt, let expires = token.expiresAt else { return true }
        return expires.timeIntervalSince(created) <= lead.timeInterval
    }
}
