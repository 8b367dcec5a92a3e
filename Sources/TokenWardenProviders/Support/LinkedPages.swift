import TokenWardenCore

/// The one listing loop of every driver: fetch a URL, learn the next one, keep only tokens not seen
/// before, stop when there is no next URL. Drivers supply how one page is fetched and read (and say
/// when a page ends the listing); this owns loop and duplicate protection. An empty page is not the
/// end by itself: AWX filters application tokens out of a page, which can leave it empty mid-listing.
///
/// When a driver can name the next page before decoding the tokens (`FetchedPage.readsLater`), the
/// next request is sent first and the page decoded while it is answered, so the provider is never
/// kept waiting on our JSON decoding. Still one request at a time, in listing order.
struct LinkedPages: PageCursor {
    /// What a page that brings nothing new means.
    enum Repeats: Sendable {
        /// The server ignores paging and sent everything already (SailPoint's plain array).
        case endTheListing
        /// The server's pagination loops: the listing is incomplete.
        case areALoop
    }

    /// Fetches one page.
    typealias Fetch = @Sendable (_ url: String) async throws -> FetchedPage

    private var next: String?
    private var prefetch: Prefetch?
    private var guardrail: ListingGuard
    private let repeats: Repeats
    private let fetch: Fetch
    private let known: KnownListing

    init(
        provider: String, limits: ListingLimits = .standard, first: String, repeats: Repeats = .areALoop, known: KnownListing = .none,
        clock: @escaping @Sendable () -> ContinuousClock.Instant = { .now }, fetch: @escaping Fetch
    ) {
        next = first
        self.known = known
        guardrail = ListingGuard(provider: provider, limits: limits, clock: clock)
        self.repeats = repeats
        self.fetch = fetch
    }

    mutating func nextPage() async throws -> ListedPage? {
        let page: FetchedPage
        let url: String
        if let prefetch {
            self.prefetch = nil
            (page, url) = (try await prefetch.page(), prefetch.url)
        } else {
            guard let first = next else { return nil }  // also a next link the prefetch found visited
            try guardrail.visit(first)
            (page, url) = (try await fetch(first), first)
        }
        next = page.next
        // A next link already visited is not requested: the next call reports the loop, after this
        // page's tokens were handed over.
        if let following = page.next, page.readsLater, (try? guardrail.visit(following)) != nil {
            prefetch = Prefetch(url: following, fetch: fetch)
        }
        let listed = try page.tokens(knowing: known)
        let fresh = guardrail.admit(listed)
        if !listed.isEmpty, fresh.isEmpty {
            switch repeats {
            case .endTheListing:
                next = nil
                prefetch = nil
            case .areALoop: throw guardrail.loop(at: url)
            }
        }
        return fresh.isEmpty && next == nil ? nil : fresh
    }
}

/// The request for the next page, sent while the current one is decoded. Dropping it (the listing
/// failed, ended, or its consumer stopped) cancels the request.
private final class Prefetch: Sendable {
    let url: String
    private let task: Task<FetchedPage, any Error>

    init(url: String, fetch: @escaping LinkedPages.Fetch) {
        self.url = url
        task = Task { try await fetch(url) }
    }

    func page() async throws -> FetchedPage {
        try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }

    deinit { task.cancel() }
}
