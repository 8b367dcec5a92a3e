import Foundation

/// How one poll of one provider ended, as kept on the provider's row for `validate`, `STATUS=` and the CLI.
public struct PollOutcome: Sendable, Hashable {
    public var startedAt: Date
    public var finishedAt: Date
    /// Nil when the poll succeeded; else what went wrong, in words (never a secret).
    public var error: String?
    /// Tokens listed (all of them when it succeeded).
    public var tokenCount: Int

    public init(startedAt: Date, finishedAt: Date, error: String?, tokenCount: Int) {
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.error = error
        self.tokenCount = tokenCount
    }
}
