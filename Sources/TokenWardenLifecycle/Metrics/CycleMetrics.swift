import Foundation
import TokenWardenCore

/// What the metrics take from the cycles rather than the store, per provider as of its last cycle:
/// the decisions held back, by reason, and the tokens a rule selects (they get series of their own
/// beyond the horizon, soonest expiry first, at most `MetricsSettings.tokenSeriesLimit` each).
public struct CycleMetrics: Sendable {
    /// provider → reason → count (reasons as `tokenwarden_decisions_held` labels them).
    public typealias Held = [String: [String: Int]]

    public private(set) var held: Held = [:]
    /// provider → tokens with a current decision (not snoozed or exempt); beyond the limit, the soonest to expire.
    public private(set) var selected: [String: [Token]] = [:]

    public init() {}

    public init(_ report: CycleReport) { record(report) }

    /// Replaces what is known of the providers `report` covers.
    public mutating func record(_ report: CycleReport) {
        var held: Held = [:]
        var chosen: [String: [Token]] = [:]
        for poll in report.polls {
            held[poll.provider] = [:]
            chosen[poll.provider] = []
        }
        held.merge(report.decided.held) { _, new in new }
        chosen.merge(report.decided.selected) { _, new in new }
        for event in report.events where event.kind == .actionDeferred {
            guard let provider = event.provider else { continue }
            held[provider, default: [:]]["blast-radius", default: 0] += 1
        }
        self.held.merge(held) { _, new in new }
        selected.merge(chosen) { _, new in new }
    }

    /// Every provider's selected tokens, soonest expiry first.
    public var selectedTokens: [Token] {
        selected.keys.sorted().flatMap { selected[$0] ?? [] }.sorted { Self.expiryKey($0) < Self.expiryKey($1) }
    }

    static func expiryKey(_ token: Token) -> Double { token.expiresAt?.timeIntervalSince1970 ?? .infinity }
}
