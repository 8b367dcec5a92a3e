import TokenWardenJournal
import TokenWardenLifecycle

/// What an embedding program (the in-process tests) may watch: each cycle as it starts and, after
/// the journal, its report; and what each pass over the outbox did. The daemon itself needs none.
public struct DaemonObserver: Sendable {
    public var cycleStarted: @Sendable (_ provider: String) -> Void
    public var cycleFinished: @Sendable (CycleReport) -> Void
    /// The journal entries of an outbox pass that sent or tried something.
    public var outboxPassed: @Sendable ([JournalEvent]) -> Void
    /// The metrics text of each pass that made it (after the textfile was written); nil when a
    /// pass found `[metrics]` off and withdrew the text.
    public var metricsPublished: @Sendable (String?) -> Void
    /// The port `[metrics] listen` was bound to.
    public var metricsServing: @Sendable (Int) -> Void

    public init(
        cycleStarted: @escaping @Sendable (String) -> Void = { _ in }, cycleFinished: @escaping @Sendable (CycleReport) -> Void = { _ in },
        outboxPassed: @escaping @Sendable ([JournalEvent]) -> Void = { _ in },
        metricsPublished: @escaping @Sendable (String?) -> Void = { _ in }, metricsServing: @escaping @Sendable (Int) -> Void = { _ in }
    ) {
        self.cycleStarted = cycleStarted
        self.cycleFinished = cycleFinished
        self.outboxPassed = outboxPassed
        self.metricsPublished = metricsPublished
        self.metricsServing = metricsServing
    }
}
