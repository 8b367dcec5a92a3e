import TokenWardenLifecycle

/// What an embedding program (the in-process tests) may watch: each cycle as it starts and, after
/// the journal, its report. The daemon itself needs neither.
public struct DaemonObserver: Sendable {
    public var cycleStarted: @Sendable (_ provider: String) -> Void
    public var cycleFinished: @Sendable (CycleReport) -> Void

    public init(cycleStarted: @escaping @Sendable (String) -> Void = { _ in }, cycleFinished: @escaping @Sendable (CycleReport) -> Void = { _ in }) {
        self.cycleStarted = cycleStarted
        self.cycleFinished = cycleFinished
    }
}
