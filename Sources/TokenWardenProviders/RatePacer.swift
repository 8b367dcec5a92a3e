import Foundation
import NIOHTTP1
import TokenWardenCore

/// Slows requests down before a provider has to say 429, from the rate headers it sends:
/// Planning Center's `X-PCO-API-Request-Rate-*` and Cryptlex's `X-Rate-Limit-*`. Every number in
/// them is untrusted (`ProviderDuration`). A provider that sends no such headers (SailPoint) is
/// paced by the limit its documentation states, counted by this client.
actor RatePacer {
    /// A documented limit: at most `requests` in a window of `period` seconds.
    struct Limit: Sendable, Hashable {
        let requests: Int
        let period: Double
    }

    private let documented: Limit?
    /// Whether the documented limit is paced to: from the first 429 on. A provider that never
    /// refuses (a tenant allowed more, a test server) is not slowed down to a limit it does not have.
    private var documentedEnforced = false
    /// The documented limit's window as this client sees it: opened by the first answer seen in it
    /// (the provider's own window opened no later), with the answers counted since.
    private var documentedWindow: (opened: Date, answered: Int)?
    private var notBefore: ContinuousClock.Instant?
    /// Planning Center: when the current window opened, as far as this client can tell: the arrival
    /// of the first answer seen in it. The real opening was no later, so waiting until this plus the
    /// period never sends early.
    private var windowOpened: Date?
    private var lastCount = 0

    init(documented: Limit? = nil) { self.documented = documented }

    /// Waits until the provider's window allows another request.
    func waitForTurn() async {
        guard let notBefore else { return }
        self.notBefore = nil
        try? await Task.sleep(until: notBefore, clock: .continuous)
    }

    /// Reads the rate headers of a response; at the limit, the next request waits for the window.
    func observe(_ headers: HTTPHeaders, now: Date = Date()) {
        if let pause = pause(after: headers, now: now) { postpone(by: pause) }
    }

    /// Also used after a 429: nothing is sent before `seconds` have passed, and the documented
    /// limit's count starts again (someone else used the same limit, or it is lower than documented).
    func postpone(by seconds: Double) {
        documentedEnforced = true
        documentedWindow = nil
        let until = ContinuousClock.now.advanced(by: ProviderDuration.duration(seconds))
        if notBefore.map({ $0 < until }) ?? true { notBefore = until }
    }

    /// How long to wait after an answer with these headers, received at `now`; nil for not at all.
    func pause(after headers: HTTPHeaders, now: Date) -> Double? {
        // Planning Center: "100 per 20 seconds" and the count so far in the window, nothing about when
        // it ends. A count that starts again, or a window that must have ended, marks a new one. The
        // request after the limit'th would be refused: wait for the window's end. Joining a window
        // part-way, tokenwarden saw its opening late and waits a little longer than needed.
        if let limit = headers.first(name: "X-PCO-API-Request-Rate-Limit").flatMap(Int.init),
            let count = headers.first(name: "X-PCO-API-Request-Rate-Count").flatMap(Int.init)
        {
            let period =
                headers.first(name: "X-PCO-API-Request-Rate-Period")?.split(separator: " ").first
                .flatMap { Double($0) }.flatMap { ProviderDuration.seconds($0, atMost: 3_600) } ?? 20
            if count <= 1 || count < lastCount || windowOpened.map({ now >= $0.addingTimeInterval(period) }) ?? true {
                windowOpened = now
            }
            lastCount = count
            guard count >= limit, let opened = windowOpened else { return nil }
            return ProviderDuration.seconds(opened.addingTimeInterval(period).timeIntervalSince(now), atMost: period) ?? 0
        }
        // Cryptlex (cryptlex.com/reference/web-api/introduction): `X-Rate-Limit-Remaining` left in the
        // window, `X-Rate-Limit-Reset` the UTC time it resets, `X-Rate-Limit-Limit` the window's
        // length (`1m`, `12h`, `1d`). At zero remaining, wait for the reset, else a whole window.
        if let remaining = headers.first(name: "X-Rate-Limit-Remaining").flatMap(Int.init), remaining <= 0 {
            let window = headers.first(name: "X-Rate-Limit-Limit").flatMap(Self.cryptlexWindow) ?? 5
            if let reset = headers.first(name: "X-Rate-Limit-Reset"), let at = Self.cryptlexReset(reset) {
                return ProviderDuration.seconds(at.timeIntervalSince(now), atMost: window) ?? 0
            }
            return window
        }
        return documented.flatMap { pauseForDocumentedLimit($0, now: now) }
    }

    /// SailPoint: "100 requests per 10 seconds", and only `Retry-After` on the 429 past it, in whole
    /// seconds. Once it refused, counting its answers and waiting for the window's end after the
    /// limit'th costs nothing; letting a 429 come in every window lost up to a second of each
    /// (94.5% of the allowed rate in `make bench`, where this reaches 99%). Pacing from the first
    /// answer instead made a 250k-token listing of the unlimited simulator take 100 s, not 15.
    private func pauseForDocumentedLimit(_ limit: Limit, now: Date) -> Double? {
        guard documentedEnforced else { return nil }
        var window = documentedWindow ?? (now, 0)
        if now >= window.opened.addingTimeInterval(limit.period) { window = (now, 0) }
        window.answered += 1
        documentedWindow = window
        guard window.answered >= limit.requests else { return nil }
        return max(0, window.opened.addingTimeInterval(limit.period).timeIntervalSince(now))
    }

    /// `X-Rate-Limit-Limit`: a period such as `5s`, `1m`, `12h` or `1d`, in seconds (at most a day).
    static func cryptlexWindow(_ text: String) -> Double? {
        guard let span = try? TimeSpan(parsing: text.trimmingCharacters(in: .whitespaces)) else { return nil }
        return ProviderDuration.seconds(Double(span.seconds))
    }

    /// `X-Rate-Limit-Reset`: a UTC time; read as ISO 8601, as an HTTP date, or as Unix seconds.
    static func cryptlexReset(_ text: String) -> Date? {
        let text = text.trimmingCharacters(in: .whitespaces)
        if let parsed = try? ProviderTimestamp.parse(text) { return parsed.date }
        if let epoch = Double(text), epoch.isFinite, epoch > 1_000_000_000, epoch < 100_000_000_000 { return Date(timeIntervalSince1970: epoch) }
        let now = Date()
        return RetryAfter.delay(from: text, now: now).map { now.addingTimeInterval($0) }
    }
}
