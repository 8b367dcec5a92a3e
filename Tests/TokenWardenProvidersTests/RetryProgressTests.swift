import Foundation
import Synchronization
import Testing
import TokenWardenCore
import TokenWardenProviders
import TokenWardenSimulator

/// What an admin's command shows while a request waits to be retried.
@Suite struct RetryProgressTests {
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    @Test func eachRetrySaysWhichAttemptWhenAndWhy() async throws {
        let simulator = try await ProviderSimulator.start(
            .init(tokensPerProvider: 3, seed: 42, faults: [SimulatorFault(provider: .awx, behaviour: .status(503), count: 2)]))
        let lines = Lines()
        let http = ProviderHTTPClient(policy: SimulatorHarness.policy, progress: { lines.append($0) })
        let provider = ProviderConfig(id: "awx-main", kind: .awx, baseURL: simulator.baseURL(for: .awx), credential: .systemd(name: "x"))
        let credential = try Credential(content: await simulator.provider(.awx).credential, format: ProviderKind.awx.credentialFormat)
        var listed = 0
        listed = try await collect(try ProviderDrivers.make(for: provider, credential: credential, http: http).tokens()).tokens.count
        try await http.shutdown()
        await simulator.stop()
        #expect(listed == 3)
        #expect(lines.all.count == 2, "\(lines.all)")
        #expect(lines.all.first?.hasPrefix("awx-main: attempt 1 of 4 failed (") == true, "\(lines.all)")
        #expect(lines.all.first?.contains("503 Service Unavailable); trying again in ") == true, "\(lines.all)")
        #expect(lines.all.last?.hasPrefix("awx-main: attempt 2 of 4 failed (") == true)
    }

    @Test func aRefusedConnectionSaysSoBeforeEachRetry() async throws {
        let lines = Lines()
        // AsyncHTTPClient tries a refused connection again until the connect timeout: keep it short.
        var policy = SimulatorHarness.policy
        policy.connectTimeout = 0.5
        let http = ProviderHTTPClient(policy: policy, progress: { lines.append($0) })
        // A port nothing listens on: bound, then closed.
        let provider = ProviderConfig(id: "awx-main", kind: .awx, baseURL: "http://127.0.0.1:9", credential: .systemd(name: "x"))
        let driver = try ProviderDrivers.make(for: provider, credential: try Credential(content: "x", format: .bearer), http: http)
        await #expect(throws: ProviderError.self) { for try await _ in driver.tokens() {} }
        try await http.shutdown()
        #expect(lines.all.count == 3, "\(lines.all)")
        #expect(lines.all.allSatisfy { $0.contains("connection refused") && $0.contains("at http://127.0.0.1:9") }, "\(lines.all)")
    }
}
