import TokenWardenCore

/// Protects one listing from a misbehaving server: a `next` link that loops back, a page repeated,
/// and tokens listed twice within a few pages (kept once).
///
/// Repeats are looked for among the ids of the last `recentPages` pages only. Offset pagination
/// repeats a token on the next page when one before it is deleted meanwhile, and a server that
/// ignores paging repeats the whole previous page; both are caught. Remembering every id of a
/// listing held 60 MiB at 4 x 250k tokens (`make bench`, issue 20); a repeat further apart reaches
/// the store twice, which records the token once (it is counted twice in the poll's total).
struct ListingGuard: Sendable {
    let provider: String
    private var visited: Set<String> = []
    /// The ids admitted from the last pages, and each page's, oldest first (to forget them by).
    private var recentIDs: Set<String> = []
    private var recentRows: Set<Int64> = []
    private var pages: [(ids: [String], rows: [Int64])] = []
    static let recentPages = 8

    init(provider: String) { self.provider = provider }

    /// Records that `url` is about to be fetched; a second visit is a pagination loop.
    mutating func visit(_ url: String) throws(ProviderError) {
        guard visited.insert(url).inserted else { throw loop(at: url) }
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
