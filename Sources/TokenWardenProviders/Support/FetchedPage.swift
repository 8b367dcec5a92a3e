import TokenWardenCore

/// One listing page as it came back: where the next page is, and its tokens, read now or later.
/// Reading later lets `LinkedPages` decode a page while the next one is already being fetched.
struct FetchedPage: Sendable {
    /// The next page's URL, already checked (same host), or nil at the end of the listing.
    let next: String?
    private let content: Content

    private enum Content: Sendable {
        case read([ObservedToken])
        case deferred(@Sendable (KnownListing) throws -> ListedPage)
    }

    /// A page whose tokens had to be read to find the next page (a count decides it, say).
    init(tokens: [ObservedToken], next: String?) {
        self.next = next
        content = .read(tokens)
    }

    /// A page whose next link was found without reading its tokens (an envelope field); `read`
    /// decodes them, recognising those `KnownListing` holds unchanged (`ListedItems`), and may
    /// throw for a malformed page.
    init(next: String?, read: @escaping @Sendable (KnownListing) throws -> ListedPage) {
        self.next = next
        content = .deferred(read)
    }

    /// Whether reading the tokens is work worth overlapping with the next request.
    var readsLater: Bool {
        if case .deferred = content { return true }
        return false
    }

    func tokens(knowing known: KnownListing) throws -> ListedPage {
        switch content {
        case .read(let tokens): return ListedPage(tokens: tokens)
        case .deferred(let read): return try read(known)
        }
    }
}
