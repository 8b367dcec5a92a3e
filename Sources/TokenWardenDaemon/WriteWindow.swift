/// The blast-radius limit shared by every provider's cycle: `[daemon] max_actions_per_cycle` revokes
/// and rotations within one `poll_interval`, whichever providers' cycles spend them. Writes are charged
/// when granted, so two cycles running side by side cannot both spend the same budget.
actor WriteWindow<C: Clock> where C.Duration == Duration {
    let clock: C
    private var recent: [C.Instant] = []

    init(clock: C) {
        self.clock = clock
    }

    /// Grants up to `wanted` of the `limit` writes allowed within `window`, and charges them.
    func reserve(_ wanted: Int, limit: Int, window: Duration) -> Int {
        let now = clock.now
        recent.removeAll { $0.duration(to: now) >= window }
        let granted = min(wanted, max(0, limit - recent.count))
        recent += Array(repeating: now, count: granted)
        return granted
    }
}
