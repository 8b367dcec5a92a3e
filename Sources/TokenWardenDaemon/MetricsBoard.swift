import Synchronization
import TokenWardenLifecycle

/// What the polling service tells the metrics (each cycle's held decisions and selected tokens),
/// and the latest exposition text the metrics endpoint answers with. Shared by the three services.
final class MetricsBoard: Sendable {
    private struct State {
        var cycles = CycleMetrics()
        var text: String?
    }

    private let state = Mutex(State())

    /// Records a finished cycle (the polling service, after its journal entries).
    func record(_ report: CycleReport) { state.withLock { $0.cycles.record(report) } }

    var cycles: CycleMetrics { state.withLock { $0.cycles } }

    /// The text last made; nil until the first pass.
    var text: String? { state.withLock { $0.text } }

    func publish(_ text: String) { state.withLock { $0.text = text } }

    /// No text: the endpoint answers 503 until the next pass makes one.
    func withdraw() { state.withLock { $0.text = nil } }
}
