import Foundation
import TokenWardenConfig
import TokenWardenCore
import TokenWardenProviders

/// `validate --online`: each provider's credential tried for real, reading only: who it signs in
/// as, where the API says, and the first page of its token listing. Nothing is written.
public enum OnlineCheck {
    /// What one credential did.
    public struct Result: Sendable {
        public var provider: String
        /// The `[[provider.owner]]` name; nil for the provider's main credential.
        public var owner: String?
        /// "admin (id 1)"; nil where the API has no endpoint that says, or the check failed first.
        public var identity: String?
        /// Tokens on the first page of the listing (main credentials only).
        public var firstPage: Int?
        public var seconds: Double
        /// Why it failed, in words; nil when it worked.
        public var error: String?

        public var succeeded: Bool { error == nil }

        /// "sim-awx: signs in as admin (id 1); the first page lists 5 tokens (0.2 s)".
        public var sentence: String {
            let who = owner.map { "\(provider) owner \($0)" } ?? provider
            if let error { return "\(who): FAILED: \(error)" }
            let identity = identity.map { "signs in as \($0)" } ?? "signs in (the API does not say as whom)"
            let page = firstPage.map { "; the first page lists \($0) token\($0 == 1 ? "" : "s")" } ?? ""
            return "\(who): \(identity)\(page) (\(String(format: "%.1f", seconds)) s)"
        }
    }

    /// Tries every provider's main credential (identity and first page) and every owner credential
    /// (identity), the providers at once.
    public static func run(
        _ configuration: Configuration, http: ProviderHTTPClient, environment: [String: String] = ProcessInfo.processInfo.environment
    ) async -> [Result] {
        await withTaskGroup(of: [Result].self) { group in
            for provider in configuration.providers {
                let state = configuration.daemon.stateDirectory
                group.addTask { await check(provider, stateDirectory: state, http: http, environment: environment) }
            }
            var results: [Result] = []
            for await found in group { results += found }
            return results.sorted { ($0.provider, $0.owner ?? "") < ($1.provider, $1.owner ?? "") }
        }
    }

    static func check(
        _ provider: ProviderConfig, stateDirectory: String, http: ProviderHTTPClient, environment: [String: String]
    ) async -> [Result] {
        var results = [
            await attempt(provider: provider.id, owner: nil, listing: true) {
                try DriverFactory.driver(for: provider, stateDirectory: stateDirectory, http: http, environment: environment)
            }
        ]
        for owner in provider.owners {
            results.append(
                await attempt(provider: provider.id, owner: owner.name, listing: false) {
                    let credential = try CredentialLoader(environment: environment).load(owner.credential, kind: provider.kind).credential
                    return try ProviderDrivers.make(for: provider, credential: credential, http: http)
                })
        }
        return results
    }

    static func attempt(
        provider: String, owner: String?, listing: Bool, driver make: () throws -> any ProviderDriver
    ) async -> Result {
        let start = ContinuousClock.now
        var result = Result(provider: provider, owner: owner, seconds: 0)
        do {
            let driver = try make()
            result.identity = try await driver.identity()?.description
            if listing {
                var pages = driver.tokens().makeAsyncIterator()
                result.firstPage = try await pages.next()?.count ?? 0
            }
        } catch {
            result.error = "\(error)"
        }
        let elapsed = ContinuousClock.now - start
        result.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return result
    }
}
