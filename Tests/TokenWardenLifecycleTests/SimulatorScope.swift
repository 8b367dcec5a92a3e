import TokenWardenProviders
import TokenWardenSimulator

/// A running simulator and an HTTP client for one test, both stopped however the test ends
/// (AsyncHTTPClient traps on a client released without `shutdown()`).
enum SimulatorScope {
    static func with<T>(_ options: ProviderSimulator.Options, _ body: (ProviderSimulator, ProviderHTTPClient) async throws -> T) async throws -> T {
        let simulator = try await ProviderSimulator.start(options)
        let http = ProviderHTTPClient(policy: ProviderPollerTests.policy)
        do {
            let result = try await body(simulator, http)
            try await http.shutdown()
            await simulator.stop()
            return result
        } catch {
            try? await http.shutdown()
            await simulator.stop()
            throw error
        }
    }
}
