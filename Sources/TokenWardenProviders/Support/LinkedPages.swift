import TokenWardenCore

/// The one listing loop of every driver: fetch a URL, learn the next one, keep only tokens not seen
/// before, stop when there is no next URL. Drivers supply how one page is fetched and read (and say
/// when a page ends the listing); this owns loop and duplicate protection. An empty page is not the
/// end by itself: AWX filters application tokens out of a page, which can leave it empty mid-listing.
struct LinkedPages: PageCursor {
    /// What a page that brings nothing new means.
    enum Repeats: Sendable {
        /// The server ignores paging and sent everything already (SailPoint's plain array).
        case endTheListing
        /// The server's pagination loops: the listing is incomplete.
        case areALoop
    }

    /// Fetches one page: its tokens, and the URL of the next page if there is one.
    typealias Fetch = @Sendable (_ url: String) async throws -> (tokens: [ObservedToken], next: String?)

    private var next: String?
    private var guardrail: ListingGuard
    private let repeats: Repeats
    private let fetch: Fetch

    init(provider: String, first: String, repeats: Repeats = .areALoop, fetch: @escaping Fetch) {
        next = first
        guardrail = ListingGuard(provider: provider)
        self.repeats = repeats
        self.fetch = fetch
    }

    mutating func nextPage() async throws -> [ObservedToken]? {
        guard let url = next else { return nil }
        try guardrail.visit(url)
        let page = try await fetch(url)
        next = page.next
        let fresh = guardrail.admit(page.tokens)
        if !page.tokens.isEmpty, fresh.isEmpty {
            switch repeats {
            case .endTheListing: next = nil
            case .areALoop: throw guardrail.loop(at: url)
            }
        }
        return fresh.isEmpty && next == nil ? nil : fresh
    }
}
