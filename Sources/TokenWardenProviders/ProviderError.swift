/// Why a call to a provider failed: which provider, what was asked, what the server said, what to check.
/// Messages never contain a credential or a token secret (server excerpts are scrubbed of both).
public struct ProviderError: Error, Sendable, CustomStringConvertible {
    /// The class of failure, for callers that react differently (e.g. 401 vs 503).
    public enum Kind: Sendable, Hashable {
        case unauthorized
        case forbidden
        case notFound
        case http(status: Int)
        case rateLimited
        case unavailable
        case timeout
        case connection
        case malformedResponse
        case responseTooLarge
        case redirected
        case paginationLoop
        /// The listing went past `max_listing_pages` or `max_listing_time`.
        case listingTooLong
        case unsupported
    }

    public let provider: String
    public let kind: Kind
    public let message: String

    public init(provider: String, kind: Kind, message: String) {
        self.provider = provider
        self.kind = kind
        self.message = message
    }

    public var description: String { "provider \(provider): \(message)" }
}
