import Foundation
import TokenWardenCore
import TokenWardenStore

/// Polls providers into the store: page by page, one transaction per page, gone-marking only after a
/// listing that completed. Providers are polled concurrently, each one's pages in order.
public struct ProviderPoller: Sendable {
    let store: TokenStore
    let clock: @Sendable () -> Date
    /// `[daemon] alert_after_failing`: a provider failing this long is reported once for an admin.
    let alertAfterFailing: TimeSpan?

    public init(store: TokenStore, clock: @escaping @Sendable () -> Date = { Date() }, alertAfterFailing: TimeSpan? = nil) {
        self.store = store
        self.clock = clock
        self.alertAfterFailing = alertAfterFailing
    }

    /// A complete listing under half of the last successful one (of at least `minimumForDropCheck`
    /// tokens) is suspicious: a provider returning a partial list, a permission change. Its missing
    /// tokens are not marked gone in the same cycle; the next listing confirms or undoes the drop.
    public static let minimumForDropCheck = 10

    static func isSuddenDrop(from previous: Int?, to seen: Int) -> Bool {
        guard let previous, previous >= minimumForDropCheck else { return false }
        return seen * 2 < previous
    }

    /// Polls every provider at once and returns their results in the order given.
    public func pollAll(_ providers: [ReadyProvider]) async -> [PollResult] {
        await withTaskGroup(of: (Int, PollResult).self) { group in
            for (index, provider) in providers.enumerated() {
                group.addTask { (index, await poll(provider.config, driver: provider.driver)) }
            }
            var results: [(Int, PollResult)] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    /// One complete listing of one provider.
    public func poll(_ provider: ProviderConfig, driver: any ProviderDriver) async -> PollResult {
        let started = clock()
        let timer = ContinuousClock.now
        var result = PollResult(provider: provider.id, summary: ObservationSummary(), gone: 0, error: nil, seconds: 0)
        let sightings = ListingSightings()
        do {
            let previous = try store.lastSuccessfulTokenCount(provider: provider.id)
            result.firstListing = previous == nil
            result.summary = try await recordPages(of: driver, provider: provider.id, sightings: sightings)
            if Self.isSuddenDrop(from: previous, to: result.summary.seen) {
                result.goneHeld = try store.countUnseenTokens(provider: provider.id, sightings: sightings, listingStartedAt: started)
                try store.keepSightings(provider: provider.id, sightings: sightings, listingStartedAt: started)
            } else {
                let gone = try store.markUnseenTokensGone(provider: provider.id, sightings: sightings, listingStartedAt: started, at: clock())
                result.gone = gone.count
                result.disappeared = Array(gone.prefix(ObservationSummary.changeLimit))
            }
            // Who the credential signs in as decides whose tokens can be rotated: learned at each
            // poll where the API says (AWX's /api/v2/me/), so `plan` knows it offline.
            if let identity = try await driver.identity() { try store.recordIdentity(identity, provider: provider.id, at: clock()) }
        } catch {
            result.error = String(describing: error)
            // What the failed listing did see is still seen; its missing tokens are not gone.
            try? store.keepSightings(provider: provider.id, sightings: sightings, listingStartedAt: started)
        }
        result.seconds = Self.seconds(since: timer)
        do {
            let failing = try store.recordPoll(
                provider: provider.id,
                PollOutcome(
                    startedAt: started, finishedAt: clock(), error: result.error,
                    tokenCount: result.summary.seen))
            if let failing, !failing.alerted, let span = alertAfterFailing, clock().timeIntervalSince(failing.since) >= span.timeInterval {
                try store.markFailingAlerted(provider: provider.id)
                result.failingTooLongSince = failing.since
            }
        } catch {
            let note = "the poll's outcome could not be saved: \(error)"
            result.error = result.error.map { "\($0); \(note)" } ?? note
        }
        return result
    }

    /// Tokens stored per transaction: the pages of a listing are gathered up to this many.
    /// One transaction per 200-token page made a 100k-token store write every randomly placed index
    /// page (names) into the WAL again at each commit (the same inserts from Python's sqlite3: 5.7 s
    /// at 200 tokens per commit, 2.6 s at 5,000). At most two batches are held in memory.
    public static let tokensPerTransaction = 2_000

    /// Stores the listing in batches while the driver already fetches and decodes the next pages:
    /// batches are stored in listing order, one at a time, and a listing that fails part-way keeps
    /// every page it received before the failure. Tokens the driver recognised unchanged
    /// (`KnownListing`) are only sighted: their rows need no write.
    func recordPages(of driver: any ProviderDriver, provider: String, sightings: ListingSightings) async throws -> ObservationSummary {
        try await withThrowingTaskGroup(of: ObservationSummary.self) { group in
            var summary = ObservationSummary()
            var batch: [ObservedToken] = []
            func commit(_ tokens: [ObservedToken]) async throws {
                if let stored = try await group.next() { summary = summary + stored }
                group.addTask { try await store.recordObservations(tokens, provider: provider, at: clock(), sightings: sightings) }
            }
            do {
                let known = try await store.knownListing(provider: provider, clock: clock)
                for try await page in driver.tokens().knowing(known) {
                    sightings.insert(page.unchanged)
                    summary.seen += page.unchanged.count
                    batch += page.tokens.map(\.capped)
                    if batch.count >= Self.tokensPerTransaction {
                        try await commit(batch)
                        batch.removeAll()
                    }
                }
            } catch {
                if !batch.isEmpty { try await commit(batch) }
                while let stored = try await group.next() { summary = summary + stored }
                throw error
            }
            if !batch.isEmpty { try await commit(batch) }
            while let stored = try await group.next() { summary = summary + stored }
            return summary
        }
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
