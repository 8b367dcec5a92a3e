import Dispatch
import Synchronization

/// The daemon's clock: `ContinuousClock`'s instants, and sleeps that are one-shot `DispatchSourceTimer`s
/// whose leeway is the sleep's tolerance, so the kernel can coalesce an idle daemon's wake-ups (the
/// product's design: an idle daemon holds nothing but armed timers). Tests inject a test clock instead.
public struct DispatchTimerClock: Clock {
    public typealias Instant = ContinuousClock.Instant

    public init() {}

    public var now: Instant { .now }
    public var minimumResolution: Duration { ContinuousClock().minimumResolution }

    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let delay = Instant.now.duration(to: deadline)
        guard delay > .zero else { return try Task.checkCancellation() }
        let sleeper = Sleeper()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                sleeper.start(continuation, after: delay, leeway: tolerance ?? .zero)
            }
        } onCancel: {
            sleeper.cancel()
        }
    }

    /// One sleep: the continuation is resumed exactly once, by the timer or by cancellation,
    /// whichever comes first (cancellation may come before the timer is even armed).
    /// `@unchecked Sendable`: the timer is a dispatch object, safe to use from any thread (libdispatch
    /// documents its sources as thread-safe); the continuation is guarded by the mutex.
    private final class Sleeper: @unchecked Sendable {
        private enum State {
            case idle
            case armed(CheckedContinuation<Void, any Error>)
            case finished
        }

        private let state = Mutex<State>(.idle)
        private let timer = DispatchSource.makeTimerSource(queue: .global())

        func start(_ continuation: CheckedContinuation<Void, any Error>, after delay: Duration, leeway: Duration) {
            timer.schedule(deadline: .now() + Self.interval(delay), leeway: Self.interval(leeway))
            timer.setEventHandler { [self] in finish(with: nil) }
            let armed = state.withLock { state -> Bool in
                guard case .idle = state else { return false }
                state = .armed(continuation)
                return true
            }
            if armed { timer.resume() } else { continuation.resume(throwing: CancellationError()) }
        }

        func cancel() { finish(with: CancellationError()) }

        private func finish(with error: (any Error)?) {
            let continuation = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                defer { state = .finished }
                guard case .armed(let continuation) = state else { return nil }
                return continuation
            }
            guard let continuation else { return }
            timer.cancel()
            if let error { continuation.resume(throwing: error) } else { continuation.resume() }
        }

        static func interval(_ duration: Duration) -> DispatchTimeInterval {
            let (seconds, attoseconds) = duration.components
            // Beyond about 290 years nanoseconds overflow; no poll is armed that far ahead.
            guard seconds < 9_000_000_000 else { return .seconds(Int(clamping: seconds)) }
            return .nanoseconds(Int(seconds * 1_000_000_000 + attoseconds / 1_000_000_000))
        }
    }
}
