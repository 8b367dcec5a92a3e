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
        // (expiry, index) pairs: sorting them is cheap, and a million decisions are not copied to keep 10,000.
        var chosen: [String: [(expiry: Double, index: Int)]] = [:]
        for poll in report.polls {
            held[poll.provider] = [:]
            chosen[poll.provider] = []
        }
        for (index, decision) in report.decisions.enumerated() {
            let provider = decision.token.provider
            if let hold = decision.hold { held[provider, default: [:]][hold.rawValue, default: 0] += 1 }
            if decision.hold != .snoozed && decision.hold != .exempt {
                chosen[provider, default: []].append((Self.expiryKey(decision.token), index))
            }
        }
        for event in report.events where event.kind == .actionDeferred {
            guard let provider = event.provider else { continue }
            held[provider, default: [:]]["blast-radius", default: 0] += 1
        }
        self.held.merge(held) { _, new in new }
        for (provider, keys) in chosen {
            let soonest = keys.count > MetricsSettings.tokenSeriesLimit ? keys.sorted { $0.expiry < $1.expiry } : keys
            selected[provider] = soonest.prefix(MetricsSettings.tokenSeriesLimit).map { report.decisions[$0.index].token }
        }
    }

    /// Every provider's selected tokens, soonest expiry first.
    public var selectedTokens: [Token] {
        selected.keys.sorted().flatMap { selected[$0] ?? [] }.sorted { Self.expiryKey($0) < Self.expiryKey($1) }
    }

    static func expiryKey(_ token: Token) -> Double { token.expiresAt?.timeIntervalSince1970 ?? .infinity }
}
