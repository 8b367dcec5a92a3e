import Foundation
import TokenWardenStore

/// What one poll of one provider did: counts when it succeeded, the reason when it failed.
/// A failed poll still recorded the pages it got, but marked nothing gone.
public struct PollResult: Sendable {
    public var provider: String
    public var summary: ObservationSummary
    /// Tokens marked gone because a complete listing no longer had them.
    public var gone: Int
    /// Tokens a complete listing no longer had but that were not marked gone, because the listing
    /// shrank suddenly (see `ListingEnd.isSuddenDrop`); the next listing decides.
    public var goneHeld: Int = 0
    public var error: String?
    public var seconds: Double
    /// The provider had never been polled successfully before: its tokens are all new, reported as a count.
    public var firstListing = false
    /// How many polls of the provider had failed in a row before this one: what the journal counts from.
    public var failedBefore = 0
    /// Tokens marked gone, the first `ObservationSummary.changeLimit` of them (the others are counted in `gone`).
    public var disappeared: [TokenChange] = []
    /// Set once per run of failures, at the first failed poll past `[daemon] alert_after_failing`:
    /// since when the provider's polls have failed.
    public var failingTooLongSince: Date?

    public var succeeded: Bool { error == nil }
}
