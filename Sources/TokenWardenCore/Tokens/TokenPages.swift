/// A provider listing as an async sequence of pages, fetched one at a time on demand.
/// Each iteration starts a fresh listing, so a `TokenPages` value can be kept and re-run.
/// Iterated as is, every token is decoded; `knowing(_:)` lets the drivers that can skip the tokens
/// a re-sync recognises unchanged.
public struct TokenPages: AsyncSequence, Sendable {
    public typealias Element = [ObservedToken]

    private let start: @Sendable (KnownListing) -> any PageCursor

    /// `start` makes the cursor of one listing, given what the inventory knows (a driver that
    /// cannot recognise tokens ignores it).
    public init(_ start: @escaping @Sendable (KnownListing) -> any PageCursor) { self.start = start }

    public func makeAsyncIterator() -> Iterator { Iterator(cursor: start(.none)) }

    public struct Iterator: AsyncIteratorProtocol {
        var cursor: any PageCursor

        public mutating func next() async throws -> [ObservedToken]? { try await cursor.nextPage()?.tokens }
    }

    /// The same listing, with the tokens `known` recognises handed over as row ids, not decoded.
    public func knowing(_ known: KnownListing) -> Listing { Listing(start: start, known: known) }

    /// `knowing(_:)`'s sequence.
    public struct Listing: AsyncSequence, Sendable {
        public typealias Element = ListedPage
        let start: @Sendable (KnownListing) -> any PageCursor
        let known: KnownListing

        public func makeAsyncIterator() -> ListingIterator { ListingIterator(cursor: start(known)) }
    }

    public struct ListingIterator: AsyncIteratorProtocol {
        var cursor: any PageCursor

        public mutating func next() async throws -> ListedPage? { try await cursor.nextPage() }
    }
}

/// The state of one listing: where the next page is, and what has been seen.
/// Returns nil once the listing is complete.
public protocol PageCursor: Sendable {
    mutating func nextPage() async throws -> ListedPage?
}
