import Foundation

/// The daemon's state as an admin asks for it (`tokenwarden status`), and whether anything needs
/// attention. Built from the store and systemd by the CLI; judged here, without I/O, so every state
/// is a row of a table test.
public struct StatusReport: Sendable, Hashable {
    /// The unit as systemd reports it; nil where there is no systemd to ask.
    public struct Service: Sendable, Hashable {
        /// `ActiveState`: active, reloading, inactive, failed, activating, deactivating.
        public var state: String
        /// `SubState`, e.g. running.
        public var detail: String
        public var since: Date?

        /// Running, or re-reading its configuration while it runs.
        public var isRunning: Bool { state == "active" || state == "reloading" }

        public init(state: String, detail: String, since: Date?) {
            self.state = state
            self.detail = detail
            self.since = since
        }
    }

    public struct Provider: Sendable, Hashable {
        public var id: String
        public var pollInterval: TimeSpan
        public var lastPollAt: Date?
        /// Nil when it was never polled.
        public var succeeded: Bool?
        public var error: String?
        public var tokens: Int?
        public var consecutiveFailures: Int
        public var nextPollAt: Date?
        /// tokenwarden's own credential there (`provider/id`), when known, and its expiry.
        public var ownCredential: String?
        public var ownCredentialExpiresAt: Date?
        /// When `rotate_own_credential` replaces it (its expiry less the lead), where set.
        public var ownCredentialRotatesAt: Date?

        public init(
            id: String, pollInterval: TimeSpan, lastPollAt: Date? = nil, succeeded: Bool? = nil, error: String? = nil,
            tokens: Int? = nil, consecutiveFailures: Int = 0, nextPollAt: Date? = nil
        ) {
            self.id = id
            self.pollInterval = pollInterval
            self.lastPollAt = lastPollAt
            self.succeeded = succeeded
            self.error = error
            self.tokens = tokens
            self.consecutiveFailures = consecutiveFailures
            self.nextPollAt = nextPollAt
        }
    }

    /// An unfinished rotation.
    public struct Rotation: Sendable, Hashable {
        public var token: String
        public var state: String
        public var since: Date
        public var failure: String?
        /// Delivered and waiting for the successor's first use (`revoke_old = "when-successor-used"`).
        public var awaitingSwitchOver = false
        /// Past its switch-over deadline with the successor unused: a person must look.
        public var stalled = false

        public init(token: String, state: String, since: Date, failure: String? = nil) {
            self.token = token
            self.state = state
            self.since = since
            self.failure = failure
        }
    }

    /// A token whose writes tokenwarden gave up on (`[daemon] give_up_after`).
    public struct GaveUp: Sendable, Hashable {
        public var token: String
        public var failures: Int
        public var lastError: String
        public var since: Date

        public init(token: String, failures: Int, lastError: String, since: Date) {
            self.token = token
            self.failures = failures
            self.lastError = lastError
            self.since = since
        }
    }

    public var service: Service?
    public var providers: [Provider]
    /// Tokens left for a person until `tokenwarden retry`.
    public var gaveUp: [GaveUp] = []
    /// The last `tokenwarden rehearse` of each provider (and owner), in words: "passed 2026-12-06".
    public var rehearsals: [String: String] = [:]
    /// The admins' pauses in effect (`tokenwarden pause`).
    public var pauses: [Pause] = []
    /// The pause that ended last, when none is in effect: who ended it, when and why.
    public var lastPause: Pause.Ended?
    public var rotations: [Rotation]
    /// Revokes and rotations policy holds back (`plan` lists them), and of those the rotations that
    /// wait for a person to add a credential or narrow a rule.
    public var held: Int
    public var rotationsForAPerson: Int
    public var databaseBytes: Int64
    public var lastCheckAt: Date?
    /// "ok", or what the last database check found.
    public var lastCheckResult: String?
    /// Every problem of the configuration and policies on disk, one per line with file:line, when
    /// they cannot be loaded.
    public var policyProblem: String?
    /// When the daemon loaded the configuration it runs with (start, or its last good reload).
    public var configLoadedAt: Date?
    /// When the daemon last refused a reload after that, and every problem it found.
    public var reloadRefusedAt: Date?
    public var reloadRefusal: String?
    /// Why the database could not be read (then nothing is known of the polls).
    public var databaseProblem: String?

    public init(
        service: Service?, providers: [Provider], rotations: [Rotation] = [], held: Int = 0, rotationsForAPerson: Int = 0,
        databaseBytes: Int64 = 0, lastCheckAt: Date? = nil, lastCheckResult: String? = nil, policyProblem: String? = nil,
        databaseProblem: String? = nil
    ) {
        self.service = service
        self.providers = providers
        self.rotations = rotations
        self.held = held
        self.rotationsForAPerson = rotationsForAPerson
        self.databaseBytes = databaseBytes
        self.lastCheckAt = lastCheckAt
        self.lastCheckResult = lastCheckResult
        self.policyProblem = policyProblem
        self.databaseProblem = databaseProblem
    }

    /// A rotation unfinished this long has stalled: each step takes seconds, an overlap is waited for
    /// in `delivered`, and a create that never answered is settled within minutes.
    public static let stalledAfter: TimeInterval = 3_600

    /// What needs attention at `now`, one sentence each; empty when healthy. Held decisions are
    /// policy at work (a person acts on them, `plan` lists them) and do not count.
    public func attention(now: Date) -> [String] {
        var found: [String] = []
        if let service, !service.isRunning {
            found.append(
                "the service is \(service.state)\(service.detail.isEmpty ? "" : " (\(service.detail))"): `journalctl -u tokenwarden` says why")
        }
        // Nothing is known of the polls, rotations or checks then: say only what is wrong.
        if let databaseProblem { return found + ["the database cannot be read: \(databaseProblem)"] }
        let running = service?.isRunning ?? true
        for provider in providers {
            let interval = provider.pollInterval.timeInterval
            switch provider.succeeded {
            case nil:
                // A start polls every provider within a quarter of its interval (at most a minute).
                let young = service?.since.map { now.timeIntervalSince($0) < interval + 60 } ?? false
                if running && !young { found.append("\(provider.id) has never been polled") }
            case false?:
                let times = provider.consecutiveFailures > 1 ? " (\(provider.consecutiveFailures) times in a row)" : ""
                found.append("\(provider.id): the last poll failed\(times): \(provider.error ?? "no reason recorded")")
            case true?:
                if running, let last = provider.lastPollAt, now.timeIntervalSince(last) > 3 * interval {
                    found.append(
                        "\(provider.id): last polled \(Self.age(now.timeIntervalSince(last))) ago, more than 3 poll intervals "
                            + "(\(provider.pollInterval))"
                    )
                }
            }
        }
        for provider in providers {
            guard let own = provider.ownCredential, let expires = provider.ownCredentialExpiresAt,
                expires.timeIntervalSince(now) <= 7 * 86_400
            else { continue }
            let when =
                expires <= now
                ? "expired \(Self.age(now.timeIntervalSince(expires))) ago" : "expires in \(Self.age(expires.timeIntervalSince(now)))"
            found.append("\(provider.id): tokenwarden's own credential \(own) \(when): replace it (README \"Its own credential\")")
        }
        for rotation in rotations where rotation.stalled {
            found.append("the switch-over of \(rotation.token) stalled: \(rotation.failure ?? "its new token is not used")")
        }
        for rotation in rotations where rotation.state != "delivered" && now.timeIntervalSince(rotation.since) > Self.stalledAfter {
            found.append(
                "the rotation of \(rotation.token) has been \(rotation.state) for \(Self.age(now.timeIntervalSince(rotation.since)))"
                    + (rotation.failure.map { ": \($0)" } ?? ""))
        }
        for run in gaveUp {
            found.append(
                "tokenwarden gave up on \(run.token) after \(run.failures) failures in a row (the last: \(run.lastError)); "
                    + "once the cause is mended, `tokenwarden retry \(run.token) --reason TEXT` re-arms it")
        }
        if let result = lastCheckResult, result != "ok" { found.append("the last database check found damage: \(result)") }
        let runs = configLoadedAt.map { "the daemon runs the configuration it loaded at \(ProviderTimestamp.format($0))" }
        if let policyProblem {
            let count = policyProblem.split(separator: "\n").filter { $0.hasPrefix("  ") }.count
            let problems = count > 1 ? "\(count) problems" : "a problem"
            found.append(
                "the configuration on disk has \(problems) (listed under \"configuration on disk\"), so a reload or restart would be refused"
                    + (running ? (runs.map { "; \($0)" } ?? "") : ""))
        } else if running, let refused = reloadRefusedAt {
            found.append(
                "the daemon refused the reload of \(ProviderTimestamp.format(refused))"
                    + (configLoadedAt.map { " and still runs the configuration it loaded at \(ProviderTimestamp.format($0))" } ?? "") + "; the files "
                    + "are valid now: `systemctl reload tokenwarden` applies them")
        }
        return found
    }

    /// "3d", "5h", "12m", "40s".
    public static func age(_ seconds: TimeInterval) -> String {
        switch seconds {
        case 86_400...: "\(Int(seconds / 86_400))d"
        case 3_600...: "\(Int(seconds / 3_600))h"
        case 60...: "\(Int(seconds / 60))m"
        default: "\(Int(max(0, seconds)))s"
        }
    }
}
