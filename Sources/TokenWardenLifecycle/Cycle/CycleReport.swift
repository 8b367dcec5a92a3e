import TokenWardenCore
import TokenWardenJournal

/// What one cycle did: each poll with what it changed, what policy decided, and the
/// events of what was reported and done. The journal, `STATUS=` and `sync`'s output each read it once.
public struct CycleReport: Sendable {
    public var polls: [PollResult]
    /// Providers not polled because their credential did not load, and why.
    public var unusable: [UnusableProvider]
    /// What the metrics keep of policy's decisions about the inventory (the decisions themselves
    /// pass through the cycle without being held: see `DecisionPass`).
    public var decided: DecisionDigest
    public var events: [JournalEvent]
    /// Revokes and rotations attempted (charged to the blast-radius budget).
    public var writes: Int

    public init(
        polls: [PollResult], unusable: [UnusableProvider] = [], decided: DecisionDigest = DecisionDigest(selecting: false),
        events: [JournalEvent] = [], writes: Int = 0
    ) {
        self.polls = polls
        self.unusable = unusable
        self.decided = decided
        self.events = events
        self.writes = writes
    }

    /// Whether anything failed: a poll, a provider that could not be polled, an action at error or worse.
    public var failed: Bool {
        !unusable.isEmpty || polls.contains { !$0.succeeded } || events.contains { $0.priority >= .error }
    }
}
