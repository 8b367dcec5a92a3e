import Foundation
import Prometheus
import TokenWardenCore
import TokenWardenStore

/// The metrics in Prometheus's text exposition format, made with swift-prometheus's registry (names,
/// types, HELP lines, the format itself). Series follow Prometheus's naming conventions: base units
/// (seconds), `_total` for counters, `_timestamp_seconds` for instants.
public enum MetricsExposition {
    /// Lead times the expiring counts are given for, and unused spans, in days.
    public static let expiringDays = [1, 7, 14, 30]
    public static let unusedDays = [90, 365]
    /// Label values longer than this are cut (provider data: token names can be long).
    public static let labelLimit = 128

    /// Per-token series are made in registries of this many tokens each (see `tokenFamily`).
    static let chunk = 250

    /// The exposition text of `metrics` for `configuration` and its `rules` at `now`. `held`: the
    /// decisions each provider's last cycle held back; `selected`: tokens a rule decides on, which
    /// get series of their own beyond the horizon (after the tokens within it, up to the limit).
    public static func render(
        _ metrics: InventoryMetrics, configuration: Configuration, rules: [Rule], held: CycleMetrics.Held, selected: [Token] = [],
        now: Date
    ) -> String {
        let registry = PrometheusCollectorRegistry()
        let kinds = Dictionary(configuration.providers.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for provider in metrics.providers {
            let label = ("provider", value(provider.id))
            for state in TokenState.allCases {
                registry.makeGauge(
                    name: "tokenwarden_tokens", labels: [label, ("state", state.rawValue)], help: "Tokens in the inventory, by provider and state."
                )
                .set(Double(provider.tokensByState[state] ?? 0))
            }
            let capabilities = kinds[provider.id]?.kind.capabilities ?? []
            // Counts per span in days: expiring within it, unused for longer (where the provider can say).
            let spans: [(name: String, label: String, days: [Int], counts: [Int: Int], shown: Bool, help: String)] = [
                (
                    "tokenwarden_tokens_expiring", "within", expiringDays, provider.expiringWithin, capabilities.contains(.expiry),
                    "Live tokens that expire within the span (and have not yet)."
                ),
                (
                    "tokenwarden_tokens_unused", "for", unusedDays, provider.unusedFor, capabilities.contains(.lastUsed),
                    "Live tokens not used for longer than the span (never used: since creation); only providers that report last use."
                ),
            ]
            for span in spans where span.shown {
                for days in span.days {
                    registry.makeGauge(name: span.name, labels: [label, (span.label, "\(days)d")], help: span.help)
                        .set(Double(span.counts[days] ?? 0))
                }
            }
            if let succeeded = provider.lastSucceededAt {
                registry.makeGauge(
                    name: "tokenwarden_provider_last_success_timestamp_seconds", labels: [label],
                    help: "When the provider's last successful poll finished (Unix time)."
                ).set(succeeded.timeIntervalSince1970)
            }
            if let seconds = provider.lastPollSeconds {
                registry.makeGauge(name: "tokenwarden_provider_poll_duration_seconds", labels: [label], help: "How long the latest poll took.")
                    .set(seconds)
            }
            registry.makeCounter(name: "tokenwarden_provider_poll_failures_total", labels: [label], help: "Polls of the provider that failed.")
                .increment(by: Int64(provider.pollFailuresTotal))
            if let config = kinds[provider.id] {
                registry.makeGauge(
                    name: "tokenwarden_provider_poll_interval_seconds", labels: [label],
                    help: "How often the provider is polled (for alerts measured in intervals)."
                ).set((config.pollInterval ?? configuration.daemon.pollInterval).timeInterval)
            }
            for (reason, count) in (held[provider.id] ?? [:]).sorted(by: { $0.key < $1.key }) {
                registry.makeGauge(
                    name: "tokenwarden_decisions_held", labels: [label, ("reason", reason)],
                    help:
                        "Decisions not carried out at the provider's last cycle, by reason "
                        + "(a person must act, own credential, the blast-radius limit, snoozed)."
                ).set(Double(count))
            }
        }
        for (key, count) in metrics.actions.sorted(by: { $0.key < $1.key }) {
            registry.makeCounter(
                name: "tokenwarden_actions_total", labels: [("action", value(key.action)), ("result", value(key.outcome))],
                help: "Revokes, rotations and notices carried out (not report-only), by result."
            ).increment(by: Int64(count))
        }
        registry.makeCounter(name: "tokenwarden_rotations_failed_total", help: "Rotations that failed (the old token kept working).")
            .increment(by: Int64(metrics.rotationsFailed))
        for (state, count) in [("waiting", metrics.awaitingSwitchOver - metrics.stalledSwitchOvers), ("stalled", metrics.stalledSwitchOvers)] {
            registry.makeGauge(
                name: "tokenwarden_rotations_awaiting_switch_over", labels: [("state", state)],
                help: "Rotations whose new secret was delivered and whose successor is not yet seen in use (both tokens valid)."
            )
            .set(Double(count))
        }
        for (state, count) in [("pending", metrics.outboxPending), ("undeliverable", metrics.outboxUndeliverable)] {
            registry.makeGauge(
                name: "tokenwarden_outbox_messages", labels: [("state", state)], help: "Notifications waiting to be sent, or given up."
            )
            .set(Double(count))
        }
        let limit = MetricsSettings.tokenSeriesLimit
        var tokens = metrics.nearExpiry
        var listed = Set(tokens.map(\.reference))
        var truncated = metrics.nearExpiryTruncated
        for token in selected where (token.expiresAt != nil || token.lastUsedAt != nil) && !listed.contains(token.reference) {
            guard tokens.count < limit else {
                truncated = true
                break
            }
            tokens.append(token)
            listed.insert(token.reference)
        }
        let rotating = PolicyEngine.rulesByProvider(rules.filter { $0.action == .rotate }, providers: configuration.providers)
        let rotateRules = rules.filter { $0.action == .rotate }
        var expiries: [(labels: [(String, String)], value: Double)] = []
        var uses: [(labels: [(String, String)], value: Double)] = []
        for token in tokens {
            let labels = [
                ("provider", value(token.provider)), ("id", value(token.id)), ("name", value(token.name)), ("owner", value(token.owner ?? "")),
                (
                    "rotate_rule",
                    value((rotating[token.provider] ?? []).first { rotateRules[$0].match.matches(token) }.map { rotateRules[$0].name } ?? "")
                ),
            ]
            if let expires = token.expiresAt { expiries.append((labels, expires.timeIntervalSince1970)) }
            if let used = token.lastUsedAt { uses.append((labels, used.timeIntervalSince1970)) }
        }
        registry.makeGauge(
            name: "tokenwarden_token_series_truncated",
            help: "1 when more tokens were near their expiry or selected by a rule than get series of their own (the soonest are kept)."
        ).set(truncated ? 1.0 : 0.0)
        registry.makeGauge(name: "tokenwarden_metrics_timestamp_seconds", help: "When these metrics were written (Unix time).")
            .set(now.timeIntervalSince1970)
        return registry.emitToString()
            + tokenFamily(
                "tokenwarden_token_expiry_timestamp_seconds", expiries,
                help: "When a token near its expiry or selected by a rule expires (Unix time); rotate_rule is empty when no rotate rule covers it.")
            + tokenFamily(
                "tokenwarden_token_last_used_timestamp_seconds", uses,
                help: "When a token near its expiry or selected by a rule was last used (Unix time).")
    }

    /// One gauge family of per-token series, made by swift-prometheus in registries of `chunk`
    /// series each and emitted one after the other, its HELP and TYPE lines once. Why not one
    /// registry: swift-prometheus 2.4.1 copies a family's dictionary of series for every series
    /// added (`MetricFamily.adding`), so n series of one name cost n²/2 copies; in a perf profile
    /// of `sync` over 1M tokens with 10,000 per-token series, those copies and their releases were
    /// about 9% of all samples (the whole metrics step: about 6 s of a 100 s sync). In chunks of
    /// 250 the copies are n × 125. Label values are still escaped by the library; a line starting
    /// with "# " is a HELP or TYPE line (an escaped value holds no newline).
    static func tokenFamily(_ name: String, _ series: [(labels: [(String, String)], value: Double)], help: String) -> String {
        var text = ""
        for start in stride(from: 0, to: series.count, by: chunk) {
            let registry = PrometheusCollectorRegistry()
            for (labels, value) in series[start..<min(start + chunk, series.count)] {
                registry.makeGauge(name: name, labels: labels, help: help).set(value)
            }
            let emitted = registry.emitToString()
            text += start == 0 ? emitted : emitted.split(separator: "\n").filter { !$0.hasPrefix("# ") }.joined(separator: "\n") + "\n"
        }
        return text
    }

    /// A label value cut to `labelLimit` characters (provider data: names can be long). Escaping is
    /// the library's: swift-prometheus 2.4.1 escapes `\`, `"` and newlines in label values
    /// (`appendEscapedLabelValue`), as the exposition format requires.
    static func value(_ text: String) -> String {
        String(text.prefix(labelLimit))
    }
}
