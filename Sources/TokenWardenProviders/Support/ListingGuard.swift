import TokenWardenCore

/// Protects one listing from a misbehaving server: a `next` link that loops back, a page repeated,
/// tokens listed twice within a few pages (kept once), and pages that never end (`ListingLimits`:
/// past the page cap or the wall-time cap the listing ends as incomplete, so nothing is marked gone).
///
/// Repeats are looked for among the ids of the last `recentPages` pages only. Offset pagination
/// repeats a token on the next page when one before it is deleted meanwhile, and a server that
/// ignores paging repeats the whole previous page; both are caught. Remembering every id of a
/// listing held 60 MiB at 4 x 250k tokens (`make bench`, issue 20); a repeat further apart reaches
/// the store twice, which records the token once (it is counted twice in the poll's total).
struct ListingGuard: Sendable {
    let provider: String
    let limits: ListingLimits
    /// Reads the monotonic clock (a test's own clock in tests).
    let clock: @Sendable () -> ContinuousClock.Instant
    private var started: ContinuousClock.Instant?
    private var visited: Set<String> = []
    /// The ids admitted from the last pages, and each page's, oldest first (to forget them by).
    private var recentIDs: Set<String> = []
    private var recentRows: Set<Int64> = []
    private var pages: [(ids: [String], rows: [Int64])] = []
    static let recentPages = 8

    init(provider: String, limits: ListingLimits = .standard, clock: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.provider = provider
        self.limits = limits
        self.clock = clock
    }

    /// Records that `url` is about to be fetched; a second visit is a pagination loop, and a page
    /// past either limit ends the listing.
    mutating func visit(_ url: String) throws(ProviderError) {
        let now = clock()
        let start = started ?? now
        started = start
        if visited.count >= limits.pages {
            throw tooLong("it reached \(limits.pages) pages (max_listing_pages)")
        }
        if now - start > .seconds(limits.time.seconds) {
            throw tooLong("it has taken longer than \(limits.time) (max_listing_time) after \(visited.count) pages")
        }
        guard visited.insert(url).inserted else { throw loop(at: url) }
    }

    /// The error of a listing ended by its limits.
    func tooLong(_ why: String) -> ProviderError {
        ProviderError(
            provider: provider, kind: .listingTooLong,
            message:
                "the listing was stopped because \(why): the listing is incomplete, so no token is marked gone. If the provider really "
                + "holds that many tokens, raise the limit in its [[provider]] table; if not, its pagination never ends")
    }

    /// The error of a listing whose pages come round again.
    func loop(at url: String) -> ProviderError {
        ProviderError(
            provider: provider, kind: .paginationLoop,
            message:
                "the listing's page \(ProviderConnection.path(of: url)) repeats one already fetched: the provider's pagination loops, so "
                + "the listing is incomplete and no token is marked gone"
        )
    }

    /// The tokens of a page not seen on the last pages of this listing (nor twice on this one): by
    /// id for decoded tokens, by row id for recognised ones (`KnownListing`).
    mutating func admit(_ page: ListedPage) -> ListedPage {
        let fresh = ListedPage(
            tokens: page.tokens.filter { recentIDs.insert($0.id).inserted }, unchanged: page.unchanged.filter { recentRows.insert($0).inserted })
        pages.append((fresh.tokens.map(\.id), fresh.unchanged))
        if pages.count > Self.recentPages {
            let oldest = pages.removeFirst()
            for id in oldest.ids { recentIDs.remove(id) }
            for row in oldest.rows { recentRows.remove(row) }
        }
        return fresh
    }
}
