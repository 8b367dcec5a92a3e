import Dispatch
import Synchronization
import Testing
import TokenWardenCore

@testable import TokenWardenProviders

/// The listing loop with drivers whose pages are read later: the next request overlaps the reading,
/// and the guards against loops keep working.
@Suite struct LinkedPagesTests {
    @Test func theNextPageIsRequestedWhileThisOneIsRead() async throws {
        let nextRequested = DispatchSemaphore(value: 0)
        let overlapped = Mutex<[Bool]>([])
        var cursor = LinkedPages(provider: "p", first: "1") { url in
            if url == "2" { nextRequested.signal() }
            return FetchedPage(next: url == "1" ? "2" : nil) { _ in
                // Page 1 is read only while page 2 is being requested; without the overlap this waits in vain.
                // The wait holds one of the cooperative threads, so on a loaded two-core machine the request
                // may wait for the other: a minute is never reached when the overlap works (CI once missed 10 s).
                if url == "1" { overlapped.withLock { $0.append(nextRequested.wait(timeout: .now() + 60) == .success) } }
                return ListedPage(tokens: [ObservedToken(id: url, name: "token \(url)")])
            }
        }
        #expect(try await cursor.nextPage()?.tokens.map(\.id) == ["1"])
        #expect(try await cursor.nextPage()?.tokens.map(\.id) == ["2"])
        #expect(try await cursor.nextPage() == nil)
        #expect(overlapped.withLock { $0 } == [true])
    }

    @Test func aLoopingNextLinkStillHandsOverThePageBeforeTheError() async throws {
        let requested = Mutex<[String]>([])
        var cursor = LinkedPages(provider: "p", first: "a") { url in
            requested.withLock { $0.append(url) }
            return FetchedPage(next: url == "a" ? "b" : "a") { _ in ListedPage(tokens: [ObservedToken(id: url, name: url)]) }
        }
        #expect(try await cursor.nextPage()?.tokens.map(\.id) == ["a"])
        #expect(try await cursor.nextPage()?.tokens.map(\.id) == ["b"])
        await #expect { try await cursor.nextPage() } throws: { error in
            (error as? ProviderError)?.kind == .paginationLoop
        }
        #expect(requested.withLock { $0 } == ["a", "b"])  // the looping link was never requested
    }

    /// Pages that never end (each with new tokens, so no loop is seen): the page cap ends the
    /// listing as incomplete, after the pages before it were handed over.
    @Test func aListingPastItsPageCapEndsAsIncomplete() async throws {
        var cursor = LinkedPages(provider: "p", limits: ListingLimits(pages: 3, time: .hours(1)), first: "1") { url in
            FetchedPage(next: String(Int(url)! + 1)) { _ in ListedPage(tokens: [ObservedToken(id: url, name: url)]) }
        }
        for page in ["1", "2", "3"] { #expect(try await cursor.nextPage()?.tokens.map(\.id) == [page]) }
        await #expect { try await cursor.nextPage() } throws: { error in
            guard let error = error as? ProviderError else { return false }
            return error.kind == .listingTooLong && error.message.contains("reached 3 pages (max_listing_pages)")
                && error.message.contains("no token is marked gone")
        }
    }

    /// The wall-time cap, on a test clock that each request moves on by a minute.
    @Test func aListingPastItsTimeCapEndsAsIncomplete() async throws {
        let start = ContinuousClock.now
        let minutes = Mutex(0)
        let clock: @Sendable () -> ContinuousClock.Instant = { start + .seconds(60 * minutes.withLock { $0 }) }
        var cursor = LinkedPages(provider: "p", limits: ListingLimits(pages: 1_000, time: .minutes(10)), first: "1", clock: clock) { url in
            minutes.withLock { $0 += 1 }
            return FetchedPage(next: String(Int(url)! + 1)) { _ in ListedPage(tokens: [ObservedToken(id: url, name: url)]) }
        }
        var pages = 0
        await #expect {
            while try await cursor.nextPage() != nil { pages += 1 }
        } throws: { error in
            guard let error = error as? ProviderError else { return false }
            return error.kind == .listingTooLong && error.message.contains("longer than 10m (max_listing_time) after 11 pages")
        }
        #expect(pages == 11)
    }

    @Test func aPageThatCannotBeReadFailsTheListing() async throws {
        struct Unreadable: Error {}
        var cursor = LinkedPages(provider: "p", first: "1") { url in
            FetchedPage(next: String(Int(url)! + 1)) { _ in
                if url == "2" { throw Unreadable() }
                return ListedPage(tokens: [ObservedToken(id: url, name: url)])
            }
        }
        #expect(try await cursor.nextPage()?.tokens.map(\.id) == ["1"])
        await #expect(throws: Unreadable.self) { try await cursor.nextPage() }
    }
}

/// Repeated tokens are looked for on the last pages only, so a listing's memory does not grow with
/// its length (issue 20): a token repeated on the next page is kept once, one repeated far later is
/// passed on again (the store records it once).
@Suite struct ListingGuardTests {
    static func page(_ ids: [String]) -> ListedPage { ListedPage(tokens: ids.map { ObservedToken(id: $0, name: "t-\($0)") }) }

    @Test func aTokenRepeatedOnTheNextPagesIsKeptOnceAndTheMemoryIsOfTheLastPagesOnly() {
        var guardrail = ListingGuard(provider: "p")
        #expect(guardrail.admit(Self.page(["1", "2", "2"])).tokens.map(\.id) == ["1", "2"])
        #expect(guardrail.admit(Self.page(["2", "3"])).tokens.map(\.id) == ["3"])
        for index in 0..<ListingGuard.recentPages { _ = guardrail.admit(Self.page(["filler-\(index)"])) }
        #expect(guardrail.admit(Self.page(["1", "4"])).tokens.map(\.id) == ["1", "4"])
        #expect(guardrail.admit(Self.page(["1", "4"])).isEmpty, "a page repeated whole brings nothing new")
    }

    /// Recognised tokens come as row ids (`KnownListing`): repeats of those are dropped the same way.
    @Test func aRecognisedRowRepeatedOnTheNextPagesIsKeptOnce() {
        var guardrail = ListingGuard(provider: "p")
        #expect(guardrail.admit(ListedPage(unchanged: [7, 8, 8])).unchanged == [7, 8])
        #expect(guardrail.admit(ListedPage(tokens: Self.page(["7"]).tokens, unchanged: [8, 9])).unchanged == [9])
        for _ in 0..<ListingGuard.recentPages { _ = guardrail.admit(ListedPage(unchanged: [1])) }
        #expect(guardrail.admit(ListedPage(unchanged: [7, 9])).unchanged == [7, 9])
        #expect(guardrail.admit(ListedPage(unchanged: [7, 9])).isEmpty)
    }
}
