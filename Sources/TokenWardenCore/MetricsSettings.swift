/// `[metrics]`: where the Prometheus metrics go.
public struct MetricsSettings: Sendable, Hashable {
    /// `textfile`: the file node_exporter's textfile collector reads (`*.prom`), rewritten atomically
    /// after each cycle; nil writes none.
    public var textfile: String?
    /// `horizon`: tokens whose expiry is this close (either side of now) get series of their own.
    public var horizon: TimeSpan

    /// At most this many per-token series: beyond it, the soonest are kept and the rest counted.
    public static let tokenSeriesLimit = 10_000

    public init(textfile: String? = nil, horizon: TimeSpan = .days(30)) {
        self.textfile = textfile
        self.horizon = horizon
    }
}
