import Foundation
import TokenWardenCore
import TokenWardenStore

/// `tokenwarden forecast` and the report's chart: what the stored inventory brings in the weeks ahead.
extension PolicyContext {
    /// The forecast of `weeks` weeks from `now` (weeks start on Monday in `timeZone`), read batch by
    /// batch from the live tokens, with the days more writes come due at a provider than its
    /// `max_actions_per_cycle` allows per cycle.
    /// `listing: false` counts per week and provider only (the report's chart).
    public func forecast(
        store: TokenStore, weeks: Int, now: Date, timeZone: TimeZone = .current, listing: Bool = true
    ) throws -> (forecast: Forecast, pileUps: [Forecast.PileUp]) {
        var forecast = Forecast(weeks: weeks, now: now, timeZone: timeZone, listing: listing)
        try store.forEachBatch(in: forecast.windows(rules: policies.rules)) { tokens in
            forecast.add(tokens, rules: policies.rules, providers: configuration.providers, protected: protected)
        }
        forecast.sort()
        let budget = ActionBudget(settings: configuration.daemon, providers: configuration.providers)
        return (forecast, forecast.pileUps { min(budget.total, budget.perProvider[$0] ?? .max) })
    }
}
