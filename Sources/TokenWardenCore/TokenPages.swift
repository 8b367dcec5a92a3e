/// A provider listing as an async sequence of pages, fetched one at a time on demand.
/// Each iteration starts a fresh listing, so a `TokenPages` value can be kept and re-run.
public struct TokenPages: AsyncSequence, Sendable {
    public typealias Element = [ObservedToken]

    private let start: @Sendable () -> any PageCursor

    /// `start` makes the cursor of one listing.
    public init(_ start: @escaping @Sendable () -> any PageCursor) { self.start = start }

    public func makeAsyncIterator() -> Iterator { Iterator(cursor: start()) }

    public struct Iterator: AsyncIteratorProtocol {
        var cursor: any PageCursor

        public mutating func next() async throws -> [ObservedToken]? { try await cursor.nextPage() }
    }
}

/// The state of one listing: where the next page is, and what has been seen.
/// Returns nil once the listing is complete.
public protocol PageCursor: Sendable {
    mutating func nextPage() async throws -> [ObservedToken]?
}
