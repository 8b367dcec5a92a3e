import Foundation
import TokenWardenCore
import TokenWardenStore

/// The metrics of a store as Prometheus text, and `[metrics] textfile`: written for node_exporter's
/// textfile collector atomically (a temporary file in the same directory, then a rename, as the
/// collector's documentation asks), mode 0644 so the exporter can read it. No port is opened here.
public enum MetricsTextfile {
    /// The exposition text of `store` and the last cycles, for `configuration` and its `rules`.
    public static func render(
        store: TokenStore, configuration: Configuration, rules: [Rule], cycles: CycleMetrics, now: Date
    ) throws -> String {
        let metrics = try store.inventoryMetrics(
            at: now, expiringDays: MetricsExposition.expiringDays, unusedDays: MetricsExposition.unusedDays,
            horizon: configuration.metrics.horizon.timeInterval, limit: MetricsSettings.tokenSeriesLimit)
        return MetricsExposition.render(
            metrics, configuration: configuration, rules: rules, held: cycles.held, selected: cycles.selectedTokens, now: now)
    }

    /// Replaces the configured textfile, if any, with `text`; throws what went wrong.
    public static func write(_ text: String, configuration: Configuration) throws {
        guard let path = configuration.metrics.textfile else { return }
        try AtomicFile.write(Data(text.utf8), to: path, mode: 0o644)
    }
}
