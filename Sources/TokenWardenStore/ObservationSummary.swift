/// What one page (or one whole listing) of observations did to the inventory.
/// The daemon turns these counts into journal events and the `STATUS=` line.
public struct ObservationSummary: Sendable, Hashable {
    public var seen = 0
    public var discovered = 0
    public var changed = 0
    public var reappeared = 0

    public init() {}

    public static func + (lhs: ObservationSummary, rhs: ObservationSummary) -> ObservationSummary {
        var sum = lhs
        sum.seen += rhs.seen
        sum.discovered += rhs.discovered
        sum.changed += rhs.changed
        sum.reappeared += rhs.reappeared
        return sum
    }
}
