import AsyncHTTPClient
import NIOCore

/// The one HTTP client of the process, shared by every driver and shut down once at exit.
/// Redirects are never followed: a redirect could carry a credential to another host.
public final class ProviderHTTPClient: Sendable {
    let client: HTTPClient
    public let policy: HTTPPolicy
    /// Told, in words, what a request waits for before each retry ("awx-main: attempt 2 of 6 failed
    /// (… connection refused); trying again in 8 s"): a command shows it on a terminal, the daemon ignores it.
    let progress: (@Sendable (String) -> Void)?

    public init(policy: HTTPPolicy = .standard, progress: (@Sendable (String) -> Void)? = nil) {
        self.policy = policy
        self.progress = progress
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(
                connect: .milliseconds(Int64(policy.connectTimeout * 1_000)),
                read: .milliseconds(Int64(policy.requestTimeout * 1_000)))
        )
        configuration.decompression = .enabled(limit: .size(policy.maximumBodyBytes))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Closes every connection; call once, when the process is done with providers.
    public func shutdown() async throws {
        try await client.shutdown()
    }
}
