import TokenWardenCore

/// What a cycle keeps of its decisions for the metrics, gathered as they are made: per provider, the
/// decisions held back, by reason, and (when `selecting`) the tokens a rule selects that are not
/// snoozed or exempt, at most `MetricsSettings.tokenSeriesLimit`, the soonest to expire. Its size
/// does not grow with the inventory.
public struct DecisionDigest: Sendable {
    /// Decisions made.
    public private(set) var count = 0
    /// provider → reason → count (reasons as `tokenwarden_decisions_held` labels them).
    public private(set) var held: [String: [String: Int]] = [:]
    private var candidates: [String: [Token]] = [:]
    /// Per provider, once trimmed: the latest expiry still kept. A later token expiring no sooner
    /// cannot be among the soonest, and is not kept at all.
    private var cutoff: [String: Double] = [:]
    /// Whether selected tokens are kept (the metrics are configured).
    let selecting: Bool
    let limit: Int

    public init(selecting: Bool, limit: Int = MetricsSettings.tokenSeriesLimit) {
        self.selecting = selecting
        self.limit = limit
    }

    public mutating func add(_ decision: Decision) {
        count += 1
        let provider = decision.token.provider
        if let hold = decision.hold { held[provider, default: [:]][hold.rawValue, default: 0] += 1 }
        guard selecting, decision.hold != .snoozed, decision.hold != .exempt else { return }
        if let latest = cutoff[provider], CycleMetrics.expiryKey(decision.token) >= latest { return }
        candidates[provider, default: []].append(decision.token)
        // Trimmed when half as many again pile up: sorting then costs little per token, and no more
        // than 1.5 times the limit is ever held.
        if let kept = candidates[provider], kept.count >= limit + max(1, limit / 2) {
            let soonest = Self.soonest(kept, limit)
            candidates[provider] = soonest
            cutoff[provider] = soonest.last.map(CycleMetrics.expiryKey)
        }
    }

    /// provider → its selected tokens, soonest expiry first.
    public var selected: [String: [Token]] { candidates.mapValues { Self.soonest($0, limit) } }

    static func soonest(_ tokens: [Token], _ limit: Int) -> [Token] {
        Array(tokens.sorted { CycleMetrics.expiryKey($0) < CycleMetrics.expiryKey($1) }.prefix(limit))
    }
}
