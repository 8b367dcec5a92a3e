import Foundation
import Testing
import TokenWardenCore
import TokenWardenProviders
import TokenWardenSimulator

/// Every injected fault, against the drivers over real loopback HTTP.
@Suite struct DriverFaultTests {
    func listing(_ kind: ProviderKind, faults: [SimulatorFault], tokens: Int = 12, pageSize: Int? = 5, policy: HTTPPolicy = SimulatorHarness.policy)
        async throws -> (result: Result<[ObservedToken], ProviderError>, requests: Int, seconds: Double)
    {
        try await SimulatorHarness.withHarness(tokens: tokens, faults: faults, policy: policy) { (harness: SimulatorHarness) async throws in
            let start = ContinuousClock.now
            var result: Result<[ObservedToken], ProviderError>
            do {
                result = .success(try await collect(try harness.driver(kind, pageSize: pageSize).tokens()).tokens)
            } catch let error as ProviderError {
                result = .failure(error)
            }
            let elapsed = ContinuousClock.now - start
            let requests = await harness.simulator.provider(kind).listRequests
            return (result, requests, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
    }

    /// A Cryptlex whose pages never end (each page 100 new tokens; Cryptlex ends only on an empty
    /// page): the listing stops at `max_listing_pages` with the reason, instead of filling the disk.
    @Test func aProviderThatPagesForeverIsStoppedAtThePageCap() async throws {
        try await SimulatorHarness.withHarness(tokens: 12, faults: [SimulatorFault(provider: .cryptlex, behaviour: .endlessPages)]) { harness in
            var config = harness.config(.cryptlex)
            config.listingLimits = ListingLimits(pages: 40, time: .hours(1))
            let credential = try Credential(content: harness.simulator.provider(.cryptlex).credential, format: .bearer)
            let driver = try CryptlexDriver(provider: config, credential: credential, http: harness.http, pageSize: 100)
            var listed = 0
            let error = await providerError {
                for try await page in driver.tokens() { listed += page.count }
            }
            #expect(error?.kind == .listingTooLong, "\(String(describing: error))")
            #expect(error?.description.contains("reached 40 pages (max_listing_pages)") == true)
            #expect(listed == 12 + 39 * 100)
            #expect(await harness.simulator.provider(.cryptlex).listRequests == 40)
        }
    }

    @Test(arguments: [ProviderKind.planningCenter, .sailPoint, .awx])
    func aRateLimitIsWaitedOutAsRetryAfterSays(kind: ProviderKind) async throws {
        let (result, requests, seconds) = try await listing(
            kind, faults: [SimulatorFault(provider: kind, behaviour: .rateLimit(retryAfter: 1), count: 1)])
        #expect(try result.get().count == SimulatorHarness.listed(12, kind))
        #expect(seconds >= 1)
        #expect(requests == 4)  // 3 pages of 5, one of them asked twice
    }

    @Test(arguments: ProviderKind.allCases)
    func transientServerErrorsAreRetried(kind: ProviderKind) async throws {
        let (result, _, _) = try await listing(kind, faults: [SimulatorFault(provider: kind, behaviour: .status(503), count: 2)])
        #expect(try result.get().count == SimulatorHarness.listed(12, kind))
    }

    @Test func aServerThatKeepsFailingGivesUpWithTheReason() async throws {
        let (result, requests, _) = try await listing(.awx, faults: [SimulatorFault(provider: .awx, behaviour: .status(500))])
        guard case .failure(let error) = result else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.kind == .unavailable)
        #expect(error.description.contains("failed with 500 Internal Server Error 4 times"))
        #expect(error.description.contains("server said: {\"detail\":\"Internal error (simulated)\"}"))
        #expect(requests == SimulatorHarness.policy.maximumAttempts)
    }

    @Test func aRateLimitThatNeverLiftsGivesUp() async throws {
        let (result, _, _) = try await listing(.cryptlex, faults: [SimulatorFault(provider: .cryptlex, behaviour: .rateLimit(retryAfter: 2))])
        guard case .failure(let error) = result else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.kind == .rateLimited)
    }

    @Test func aSlowAnswerTimesOutAndIsRetried() async throws {
        // More attempts than the impatient policy's 4, and time for them: with the package tests
        // (lintian, strip) on both cores, ordinary answers too took over a second, and 4 were used up.
        var policy = SimulatorHarness.impatient
        policy.maximumAttempts = 10
        policy.backoff.maximumTotal = 30
        let (result, requests, _) = try await listing(
            .awx, faults: [SimulatorFault(provider: .awx, behaviour: .slow(seconds: 1.5), count: 1)], policy: policy)
        #expect(try result.get().count == 12)
        // Three pages and at least the one retry of the slow one; a loaded machine (CI building in
        // parallel) can push another answer past the impatient timeout, so more is not a failure.
        #expect(requests >= 4)
    }

    @Test func anAnswerThatNeverComesFailsAsATimeout() async throws {
        let (result, _, _) = try await listing(
            .synergy, faults: [SimulatorFault(provider: .synergy, behaviour: .slow(seconds: 1.5))],
            policy: SimulatorHarness.impatient)
        guard case .failure(let error) = result else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.kind == .timeout)
        #expect(error.description.contains("no complete answer within 1s"))
    }

    @Test(arguments: ProviderKind.allCases)
    func aTruncatedBodyIsRetried(kind: ProviderKind) async throws {
        let (result, _, _) = try await listing(kind, faults: [SimulatorFault(provider: kind, behaviour: .truncated, count: 1)])
        #expect(try result.get().count == SimulatorHarness.listed(12, kind))
    }

    @Test(arguments: ProviderKind.allCases)
    func malformedJSONIsAClearError(kind: ProviderKind) async throws {
        let (result, _, _) = try await listing(kind, faults: [SimulatorFault(provider: kind, behaviour: .malformed, count: 1)])
        guard case .failure(let error) = result else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.kind == .malformedResponse)
        #expect(error.description.contains("the response is not"))
    }

    @Test(arguments: [ProviderKind.planningCenter, .cryptlex, .awx])
    func aPaginationLoopIsDetectedAndTheListingFails(kind: ProviderKind) async throws {
        let (result, requests, _) = try await listing(kind, faults: [SimulatorFault(provider: kind, behaviour: .paginationLoop)])
        guard case .failure(let error) = result else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.kind == .paginationLoop)
        #expect(error.description.contains("the listing is incomplete"))
        #expect(requests < 10)
    }

    @Test(arguments: [ProviderKind.planningCenter, .sailPoint, .cryptlex, .awx])
    func tokensRepeatedAcrossPagesAreKeptOnce(kind: ProviderKind) async throws {
        let (result, _, _) = try await listing(kind, faults: [SimulatorFault(provider: kind, behaviour: .duplicates)])
        let tokens = try result.get()
        #expect(tokens.count == SimulatorHarness.listed(12, kind))
        #expect(Set(tokens.map(\.id)).count == SimulatorHarness.listed(12, kind))
    }

    @Test func anExpiredSailPointSessionIsRenewedOnce() async throws {
        let (result, _, _) = try await listing(.sailPoint, faults: [SimulatorFault(provider: .sailPoint, behaviour: .expiredSession, count: 1)])
        #expect(try result.get().count == SimulatorHarness.listed(12, .sailPoint))
    }
}
