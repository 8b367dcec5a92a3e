/// When a rotation revokes the old token (`revoke_old` of a rotate rule).
public enum SwitchOver: Sendable, Hashable {
    /// `"after-overlap"` (the default): once `overlap` has passed since delivery.
    case afterOverlap
    /// `"when-successor-used"`: at the first cycle after `overlap` where the provider reports a use
    /// of the successor later than its delivery. Unused at `deadline` after delivery, the rotation
    /// stalls: the old token stays valid and a person is told.
    case whenSuccessorUsed(deadline: TimeSpan)

    /// `switch_over_deadline` when none is given.
    public static let defaultDeadline = TimeSpan.days(7)

    /// The `revoke_old` value as written.
    public var key: String {
        switch self {
        case .afterOverlap: "after-overlap"
        case .whenSuccessorUsed: "when-successor-used"
        }
    }
}
