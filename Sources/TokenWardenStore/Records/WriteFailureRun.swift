import Foundation

/// A token's writes (revokes, rotation steps) that failed in a row, and whether tokenwarden gave up
/// retrying them (`[daemon] give_up_after`).
public struct WriteFailureRun: Sendable, Hashable {
    public var provider: String
    public var tokenID: String
    public var failures: Int
    /// The last failure's message (never a secret: the errors it comes from are scrubbed).
    public var lastError: String
    public var lastFailedAt: Date
    /// When the run reached the limit; nil while writes are still retried.
    public var gaveUpAt: Date?

    public var reference: String { "\(provider)/\(tokenID)" }
}
