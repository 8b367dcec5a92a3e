/// `[metrics]`: where the Prometheus metrics go.
public struct MetricsSettings: Sendable, Hashable {
    /// `textfile`: the file node_exporter's textfile collector reads (`*.prom`), rewritten atomically
    /// after each cycle; nil writes none.
    public var textfile: String?
    /// `listen`: serve the same text on this loopback address (`GET /metrics`); nil serves none.
    /// Read at start: a reload does not move it.
    public var listen: ListenAddress?
    /// `horizon`: tokens whose expiry is this close (either side of now) get series of their own.
    public var horizon: TimeSpan

    /// Whether metrics are made at all (a textfile, an address, or both).
    public var isEnabled: Bool { textfile != nil || listen != nil }

    /// At most this many per-token series: beyond it, the soonest are kept and the rest counted.
    public static let tokenSeriesLimit = 10_000

    public init(textfile: String? = nil, listen: ListenAddress? = nil, horizon: TimeSpan = .days(30)) {
        self.textfile = textfile
        self.listen = listen
        self.horizon = horizon
    }
}
