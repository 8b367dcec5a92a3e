/// How far one listing of a provider may go before it is ended as incomplete: a provider whose
/// pages never end (a bug, or hostile) would otherwise fill the disk and never finish a poll.
/// `[[provider]] max_listing_pages` and `max_listing_time`; the defaults are far above any real
/// inventory (100,000 pages is 10 million tokens at 100 a page).
public struct ListingLimits: Sendable, Hashable {
    /// Pages fetched in one listing at the most.
    public var pages: Int
    /// Wall time one listing may take, from its first request.
    public var time: TimeSpan

    public static let standard = ListingLimits(pages: 100_000, time: .hours(6))

    public init(pages: Int, time: TimeSpan) {
        self.pages = pages
        self.time = time
    }
}
