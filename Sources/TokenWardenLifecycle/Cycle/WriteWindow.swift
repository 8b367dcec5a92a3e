/// The blast-radius limit shared by cycles that run side by side (the daemon's providers, each on
/// its own timer): `[daemon] max_actions_per_cycle` revokes and rotations within one
/// `poll_interval`, whichever providers' cycles spend them. Writes are charged when granted, so two
/// cycles running side by side cannot both spend the same budget.
public actor WriteWindow {
    /// Time since the window was made, on the clock it was made with (the daemon's, or a test's).
    private let elapsed: @Sendable () -> Duration
    private var recent: [Duration] = []

    public init<C: Clock>(clock: C) where C.Duration == Duration {
        let origin = clock.now
        elapsed = { origin.duration(to: clock.now) }
    }

    /// Grants up to `wanted` of the `limit` writes allowed within `window`, and charges them.
    public func reserve(_ wanted: Int, limit: Int, window: Duration) -> Int {
        let now = elapsed()
        recent.removeAll { now - $0 >= window }
        let granted = min(wanted, max(0, limit - recent.count))
        recent += Array(repeating: now, count: granted)
        return granted
    }
}
