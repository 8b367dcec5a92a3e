import TokenWardenCore

/// Protects one listing from a misbehaving server: a `next` link that loops back, a page repeated,
/// and tokens listed twice (kept once).
struct ListingGuard: Sendable {
    let provider: String
    private var visited: Set<String> = []
    private var seenIDs: Set<String> = []

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

    /// The tokens of a page not seen earlier in this listing.
    mutating func admit(_ page: [ObservedToken]) -> [ObservedToken] {
        page.filter { seenIDs.insert($0.id).inserted }
    }

}
