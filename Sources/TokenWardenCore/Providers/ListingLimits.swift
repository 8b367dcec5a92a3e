/// How far one listing of a provider may go before it is ended as incomplete: a provider whose
/// pages never end (a bug, or hostile) would otherwise fill the disk and never finish a poll.
/// `[[provider]] max_listing_pages` and `max_listing_time`; the defaults are far above any real
/// inventory: 20,000 pages is 2 million tokens at 100 a page, twice what `make bench` syncs, and a
/// million SailPoint tokens at its documented rate limit list in about 7 minutes. At those caps an
/// endless listing stores about a gigabyte before it is stopped; lower them for small tenants.
public struct ListingLimits: Sendable, Hashable {
    /// Pages fetched in one listing at the most.
    public var pages: Int
    /// Wall time one listing may take, from its first request.
    public var time: TimeSpan

    public static let standard = ListingLimits(pages: 20_000, time: .hours(2))

    public init(pages: Int, time: TimeSpan) {
        self.pages = pages
        self.time = time
    }
}
