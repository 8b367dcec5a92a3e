/// Limits on every provider call: timeouts, retries and how large a response may be.
/// The defaults suit real SaaS APIs; tests shorten them to keep fault runs quick.
public struct HTTPPolicy: Sendable, Hashable {
    /// Seconds to establish a connection.
    public var connectTimeout: Double
    /// Seconds one request may take from start to the end of its body.
    public var requestTimeout: Double
    /// Waits between retries of 429s, 5xx and timeouts, and their total cap.
    public var backoff: BackoffPolicy
    /// Requests made for one call at the most (the first try included).
    public var maximumAttempts: Int
    /// A larger response body is refused (a page of 200 AWX tokens is about 100 KB; 12d Synergy
    /// lists every token in one answer, about 40,000 tokens in 16 MiB). Reading a page costs about
    /// five times its size at the peak: `sync` of one 15 MB Cryptlex page peaked at 131 MB RSS
    /// against 54 MB for a 10 KB page, 30 MB at 209 MB (debug build, /usr/bin/time -v, issue 33).
    public var maximumBodyBytes: Int

    public static let standard = HTTPPolicy(
        connectTimeout: 10, requestTimeout: 60, backoff: .standard,
        maximumAttempts: 6, maximumBodyBytes: 16 << 20)

    /// The standard policy with another request timeout (`[daemon] request_timeout`); connecting
    /// never takes longer than a whole request may.
    public static func standard(requestTimeout: Double) -> HTTPPolicy {
        var policy = standard
        policy.requestTimeout = requestTimeout
        policy.connectTimeout = min(policy.connectTimeout, requestTimeout)
        return policy
    }

    /// How long after a create was sent it may still land at the provider: a client gives up after
    /// connecting and one request timeout, and a server may finish what it started for as long again.
    /// A rotation whose create went unanswered is not concluded before this has passed.
    public var createSettles: Double { connectTimeout + 2 * requestTimeout }

    public init(connectTimeout: Double, requestTimeout: Double, backoff: BackoffPolicy, maximumAttempts: Int, maximumBodyBytes: Int) {
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.backoff = backoff
        self.maximumAttempts = maximumAttempts
        self.maximumBodyBytes = maximumBodyBytes
    }
}
