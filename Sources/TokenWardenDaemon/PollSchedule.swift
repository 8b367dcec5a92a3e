import Synchronization

/// When each provider is polled next: one one-shot timer per provider on an injected clock (the
/// daemon's is `DispatchTimerClock`, tests move a test clock), delivered as an async sequence of
/// ticks the polling service awaits. A provider is re-armed after its cycle, so a slow cycle never
/// overlaps the next one for the same provider. Arming a provider again replaces its timer.
final class PollSchedule<C: Clock>: Sendable where C.Duration == Duration {
    struct Request: Sendable {
        var provider: String
        var deadline: C.Instant
        var tolerance: Duration
        var generation: Int
    }

    let clock: C
    /// The generation of each provider's armed timer; a timer whose generation is stale fires nothing.
    private let armed = Mutex<[String: Int]>([:])
    private let generation = Atomic<Int>(0)
    private let requests = AsyncStream<Request>.makeStream()
    private let fired = AsyncStream<String>.makeStream()

    init(clock: C) {
        self.clock = clock
    }

    /// The providers whose timer fired, in firing order; ends after `finish()`.
    var ticks: AsyncStream<String> { fired.stream }

    /// Arms `provider` to tick after `delay`, replacing its timer. Leeway (5% of the delay, at most
    /// 30 s) lets the kernel coalesce wake-ups. Returns when it will tick, on the schedule's clock.
    @discardableResult
    func arm(_ provider: String, after delay: Duration) -> C.Instant {
        let deadline = clock.now.advanced(by: delay)
        let tolerance = min(.seconds(30), max(.milliseconds(1), delay / 20))
        let generation = generation.add(1, ordering: .relaxed).newValue
        armed.withLock { $0[provider] = generation }
        requests.continuation.yield(Request(provider: provider, deadline: deadline, tolerance: tolerance, generation: generation))
        return deadline
    }

    /// Forgets every armed timer (a reload arms them anew).
    func disarmAll() {
        armed.withLock { $0.removeAll() }
    }

    /// No more ticks: `ticks` ends once the ones already fired are read.
    func finish() {
        fired.continuation.finish()
    }

    /// Runs the timers until the calling task is cancelled: each armed provider waits on the clock.
    func run() async {
        await withDiscardingTaskGroup { group in
            for await request in requests.stream {
                group.addTask { [self] in
                    do {
                        try await clock.sleep(until: request.deadline, tolerance: request.tolerance)
                    } catch {
                        return
                    }
                    let current = armed.withLock { armed in
                        guard armed[request.provider] == request.generation else { return false }
                        armed[request.provider] = nil
                        return true
                    }
                    if current { fired.continuation.yield(request.provider) }
                }
            }
        }
    }
}
