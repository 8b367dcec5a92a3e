import Foundation
import TokenWardenCore
import TokenWardenJournal
import TokenWardenStore

/// `[metrics] textfile`: the metrics written for node_exporter's textfile collector after each cycle,
/// atomically (a temporary file in the same directory, then a rename, as the collector's
/// documentation asks), mode 0644 so the exporter can read it. No port is opened.
public enum MetricsTextfile {
    /// Decisions held in `report`, by provider and reason (the blast-radius limit counted from its events).
    public static func held(in report: CycleReport) -> MetricsExposition.Held {
        var held: MetricsExposition.Held = [:]
        for decision in report.decisions {
            guard let hold = decision.hold else { continue }
            held[decision.token.provider, default: [:]][hold.rawValue, default: 0] += 1
        }
        for event in report.events where event.kind == .actionDeferred {
            guard let provider = event.provider else { continue }
            held[provider, default: [:]]["blast-radius", default: 0] += 1
        }
        for poll in report.polls where held[poll.provider] == nil { held[poll.provider] = [:] }
        return held
    }

    /// Writes the metrics of `store` to the configured textfile, if any; throws what went wrong.
    public static func write(
        store: TokenStore, configuration: Configuration, rules: [Rule], held: MetricsExposition.Held, now: Date
    ) throws {
        guard let path = configuration.metrics.textfile else { return }
        let metrics = try store.inventoryMetrics(
            at: now, expiringDays: MetricsExposition.expiringDays, unusedDays: MetricsExposition.unusedDays,
            horizon: configuration.metrics.horizon.timeInterval, limit: MetricsSettings.tokenSeriesLimit)
        let text = MetricsExposition.render(metrics, configuration: configuration, rules: rules, held: held, now: now)
        try AtomicFile.write(Data(text.utf8), to: path, mode: 0o644)
    }
}
