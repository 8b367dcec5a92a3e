import Foundation
import Testing
import TokenWardenCore
import TokenWardenSimulator

@testable import TokenWardenProviders

/// What the HTTP plumbing refuses to do, whatever a server answers.
@Suite struct ConnectionSafetyTests {
    @Test(arguments: [("..", "%2E%2E"), (".", "%2E"), ("a/../b", "a%2F..%2Fb"), ("42", "42"), ("x y?#", "x%20y%3F%23"), ("..a", "..a")])
    func aTokenIdIsOnePathSegmentAndCannotClimbThePath(id: String, segment: String) {
        #expect(Endpoint.segment(id) == segment)
    }

    /// A driver keeps its credential in derived forms (the `Authorization` value, base64 Basic,
    /// SailPoint's form body and bought JWT): each stays in the redacting type, so a `dump` (a debugger,
    /// a log of a value) shows none of them. The shared HTTP client is left out: AsyncHTTPClient keeps
    /// the last request head of an idle connection, header and all, which is why core dumps are off.
    @Test(arguments: ProviderKind.allCases)
    func noDerivedFormOfTheCredentialShowsInADumpOfTheDriver(kind: ProviderKind) async throws {
        let dumped = try await SimulatorHarness.withHarness(tokens: 2) { (harness: SimulatorHarness) async throws in
            let credential = harness.simulator.provider(kind).credential
            let driver = try harness.driver(kind)
            _ = try await collect(driver.tokens())  // SailPoint has bought its access token by now
            return (Self.reflected(driver, skipping: "http"), credential)
        }
        let (text, credential) = dumped
        let parts = credential.split(separator: ":").map(String.init)
        for form in parts.filter({ $0.count >= 8 }) + [credential, Data(credential.utf8).base64EncodedString(), "Bearer ", "Basic ", "client_secret"]
        {
            #expect(!text.contains(form), "a dump of the \(kind) driver holds \"\(form)\"")
        }
        #expect(text.contains("<redacted>"))
        if kind == .sailPoint { #expect(text.contains("form: <redacted>") && text.contains("header: <redacted>"), "\(text)") }
    }

    /// What `dump` shows of `value`, leaf by leaf, without descending into children labelled `skipped`.
    static func reflected(_ value: Any, skipping skipped: String, depth: Int = 0) -> String {
        let mirror = Mirror(reflecting: value)
        if mirror.children.isEmpty || depth > 16 { return String(reflecting: value) + "\n" }
        return mirror.children.filter { $0.label != skipped }
            .map { "\($0.label ?? "-"): " + reflected($0.value, skipping: skipped, depth: depth + 1) }.joined()
    }

    @Test func aRedirectIsNeverFollowedAndTheErrorSaysWhereItPointed() async throws {
        let server = try await CannedServer.start(["/api/v2/tokens/": "redirect:https://elsewhere.example.com/api/v2/tokens/"])
        let error = try await SimulatorHarness.withClient { http in
            let provider = ProviderConfig(id: "awx", kind: .awx, baseURL: server.base, credential: .systemd(name: "x"))
            let driver = try AWXDriver(provider: provider, credential: Credential(content: "PLANTED-bearer-77", format: .bearer), http: http)
            return await providerError { _ = try await collect(driver.tokens()) }
        }
        await server.stop()
        #expect(error?.kind == .redirected)
        #expect(error?.description.contains("redirects to https://elsewhere.example.com/api/v2/tokens/") == true)
        #expect(error?.description.contains("PLANTED-bearer-77") == false)
    }

    @Test func aLinkToAnotherHostIsNotFollowedWithTheCredential() async throws {
        let server = try await CannedServer.start([
            "/api/v2/tokens/": #"{ "count": 2, "next": "https://evil.example.com/api/v2/tokens/?page=2", "results": [] }"#
        ])
        let error = try await SimulatorHarness.withClient { http in
            let provider = ProviderConfig(id: "awx", kind: .awx, baseURL: server.base, credential: .systemd(name: "x"))
            let driver = try AWXDriver(provider: provider, credential: Credential(content: "t", format: .bearer), http: http)
            return await providerError { _ = try await collect(driver.tokens()) }
        }
        await server.stop()
        #expect(error?.kind == .malformedResponse)
        #expect(error?.description.contains("points to another host") == true)
    }

    @Test func aResponseLargerThanTheCapIsRefused() async throws {
        var policy = SimulatorHarness.policy
        policy.maximumBodyBytes = 2_000
        let error = try await SimulatorHarness.withHarness(tokens: 50, policy: policy) { (harness: SimulatorHarness) async throws in
            await providerError { _ = try await collect(try harness.driver(.awx).tokens()) }
        }
        #expect(error?.kind == .responseTooLarge)
        #expect(error?.description.contains("returned more than 2000 bytes") == true)
    }
}
