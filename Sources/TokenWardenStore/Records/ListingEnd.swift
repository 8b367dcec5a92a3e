import Foundation
import TokenWardenCore

/// How one listing of one provider ended, as the poller saw it: what `TokenStore.endListing` writes
/// in one transaction.
public struct ListingEnd: Sendable {
    public var provider: String
    /// The rows the listing saw (filled by `recordObservations` as its pages were stored).
    public var sightings: ListingSightings
    public var startedAt: Date
    public var finishedAt: Date
    /// Nil when the listing completed; else what went wrong, in words (never a secret). A listing
    /// that failed part-way marks nothing gone.
    public var error: String?
    /// Tokens listed (all of them when it completed).
    public var seen: Int
    /// Who the credential signs in as, where the API says (AWX's /api/v2/me/): it decides whose
    /// tokens can be rotated, and `plan` knows it offline.
    public var identity: ProviderIdentity?
    /// `[daemon] alert_after_failing`: a run of failures this long is reported once for an admin.
    public var alertAfterFailing: TimeInterval?

    public init(
        provider: String, sightings: ListingSightings, startedAt: Date, finishedAt: Date, error: String? = nil, seen: Int? = nil,
        identity: ProviderIdentity? = nil, alertAfterFailing: TimeInterval? = nil
    ) {
        self.provider = provider
        self.sightings = sightings
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.error = error
        self.seen = seen ?? sightings.count
        self.identity = identity
        self.alertAfterFailing = alertAfterFailing
    }

    /// A complete listing under half of the last successful one (of at least `minimumForDropCheck`
    /// tokens) is suspicious: a provider returning a partial list, a permission change. Its missing
    /// tokens are not marked gone in the same cycle; the next listing confirms or undoes the drop.
    public static let minimumForDropCheck = 10

    public static func isSuddenDrop(from previous: Int?, to seen: Int) -> Bool {
        guard let previous, previous >= minimumForDropCheck else { return false }
        return seen * 2 < previous
    }

    /// What ending the listing did.
    public struct Outcome: Sendable {
        /// The provider had never been polled successfully before.
        public var firstListing = false
        /// How many polls of the provider had failed in a row before this one.
        public var failedBefore = 0
        /// The tokens marked gone, each with its history entry.
        public var gone: [TokenChange] = []
        /// Tokens a complete listing no longer had but that were not marked gone, because it shrank
        /// suddenly; the next listing decides.
        public var goneHeld = 0
        /// Set once per run of failures, at the first failed poll past `alertAfterFailing`: since
        /// when the provider's polls have failed.
        public var failingTooLongSince: Date?
    }
}
