/// The `[daemon]` table: where state lives and how boldly tokenwarden acts.
/// Defaults are the safe ones: report-only, a small blast radius.
public struct DaemonSettings: Sendable, Hashable {
    public var stateDirectory: String
    public var policyDirectory: String
    public var pollInterval: TimeSpan
    /// `false` (the default): decisions are reported, never carried out.
    public var enforce: Bool
    public var maxActionsPerCycle: Int
    /// `request_timeout`: how long one provider request may take (a slow on-premise server wants more).
    /// It also decides how long a create whose answer never came is awaited before it counts as lost.
    public var requestTimeout: TimeSpan
    /// `alert_to`: the notifiers told when something needs an admin (a rotation failed, a provider
    /// keeps failing, the blast-radius limit was hit, a message could not be delivered).
    public var alertTo: [String] = []
    /// `alert_after_failing`: a provider whose polls have all failed for this long is an admin alert
    /// (once per run of failures). Default 6h.
    public var alertAfterFailing: TimeSpan? = .hours(6)
    /// `give_up_after`: a revoke or rotation step that fails this many times in a row for one token
    /// stops being retried (state `gave-up`, one alert) until an admin runs `tokenwarden retry`, as
    /// Vault leaves a lease whose revocation failed six times for a person.
    public var giveUpAfter: Int = defaultGiveUpAfter
    public static let defaultGiveUpAfter = 6

    public static let defaultRequestTimeout = TimeSpan(seconds: 60)
    public static let defaultPollInterval = TimeSpan.minutes(15)
    public static let defaultMaxActionsPerCycle = 10
    public static let defaultStateDirectory = "/var/lib/tokenwarden"

    public init(
        stateDirectory: String, policyDirectory: String, pollInterval: TimeSpan = defaultPollInterval,
        enforce: Bool = false, maxActionsPerCycle: Int = defaultMaxActionsPerCycle, requestTimeout: TimeSpan = defaultRequestTimeout
    ) {
        self.stateDirectory = stateDirectory
        self.policyDirectory = policyDirectory
        self.pollInterval = pollInterval
        self.enforce = enforce
        self.maxActionsPerCycle = maxActionsPerCycle
        self.requestTimeout = requestTimeout
    }
}
