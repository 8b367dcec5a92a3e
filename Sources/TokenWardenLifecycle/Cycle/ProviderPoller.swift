import Foundation
import TokenWardenCore
import TokenWardenStore

/// Polls providers into the store: page by page, one transaction per page, gone-marking only after a
/// listing that completed. Providers are polled concurrently, each one's pages in order.
public struct ProviderPoller: Sendable {
    let store: TokenStore
    let now: @Sendable () -> Date
    /// `[daemon] alert_after_failing`: a provider failing this long is reported once for an admin.
    let alertAfterFailing: TimeSpan?

    public init(store: TokenStore, now: @escaping @Sendable () -> Date = { Date() }, alertAfterFailing: TimeSpan? = nil) {
        self.store = store
        self.now = now
        self.alertAfterFailing = alertAfterFailing
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

    /// One complete listing of one provider: its pages stored as they come, then its end in one
    /// store write (`TokenStore.endListing`).
    public func poll(_ provider: ProviderConfig, driver: any ProviderDriver) async -> PollResult {
        let started = now()
        let timer = ContinuousClock.now
        var result = PollResult(provider: provider.id, summary: ObservationSummary(), gone: 0, error: nil, seconds: 0)
        let sightings = ListingSightings()
        var identity: ProviderIdentity?
        do {
            result.summary = try await recordPages(of: driver, provider: provider.id, sightings: sightings)
            identity = try await driver.identity()
        } catch {
            result.error = String(describing: error)
        }
        result.seconds = Self.seconds(since: timer)
        let end = ListingEnd(
            provider: provider.id, sightings: sightings, startedAt: started, finishedAt: now(), error: result.error,
            seen: result.summary.seen, identity: identity, alertAfterFailing: alertAfterFailing?.timeInterval)
        do {
            let ended = try store.endListing(end)
            result.firstListing = ended.firstListing
            result.failedBefore = ended.failedBefore
            result.gone = ended.gone.count
            result.disappeared = Array(ended.gone.prefix(ObservationSummary.changeLimit))
            result.goneHeld = ended.goneHeld
            result.failingTooLongSince = ended.failingTooLongSince
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
                group.addTask { try await store.recordObservations(tokens, provider: provider, at: now(), sightings: sightings) }
            }
            do {
                let known = try await store.knownListing(provider: provider, now: now)
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
