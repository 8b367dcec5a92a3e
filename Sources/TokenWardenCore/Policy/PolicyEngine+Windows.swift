import Foundation

extension PolicyEngine {
    /// The timestamps for which `trigger` holds at `now` on a provider of `kind`.
    /// Each boundary is found by probing `reason(_:token:kind:now:words:)` at whole milliseconds around
    /// the arithmetic estimate, so the window agrees with the engine to the millisecond, rounding included.
    public static func window(of trigger: Trigger, kind: ProviderKind, now: Date) -> TriggerWindow {
        func holds(created: Int64? = nil, expires: Int64? = nil, used: Int64? = nil) -> Bool {
            let probe = Token(
                provider: "", id: "", name: "", createdAt: created.map(Date.init(millisecondsSince1970:)),
                expiresAt: expires.map(Date.init(millisecondsSince1970:)),
                lastUsedAt: used.map(Date.init(millisecondsSince1970:)), state: .active, firstSeenAt: now, lastSeenAt: now)
            return reason(trigger, token: probe, kind: kind, now: now, words: false) != nil
        }
        let nowMS = now.millisecondsSince1970
        switch trigger {
        case .expiresWithin(let span):
            let end = now.addingTimeInterval(span.timeInterval).millisecondsSince1970
            guard let first = boundary(near: nowMS, firstOf: { holds(expires: $0) }),
                let last = boundary(near: end, lastOf: { holds(expires: $0) }), first <= last
            else { return .never }
            return .expires(first...last)
        case .expired:
            return boundary(near: nowMS, lastOf: { holds(expires: $0) }).map { .expires(Int64.min...$0) } ?? .never
        case .unusedFor(let span):
            let estimate = now.addingTimeInterval(-span.timeInterval).millisecondsSince1970
            guard let used = boundary(near: estimate, lastOf: { holds(used: $0) }),
                let created = boundary(near: estimate, lastOf: { holds(created: $0) })
            else { return .never }
            return .unused(lastUsed: used, neverUsedCreated: created)
        case .ageOver(let span):
            let estimate = now.addingTimeInterval(-span.timeInterval).millisecondsSince1970
            return boundary(near: estimate, lastOf: { holds(created: $0) }).map(TriggerWindow.createdAtOrBefore) ?? .never
        }
    }

    /// How far a boundary may lie from its estimate: rounding moves it by a millisecond or two.
    private static let searchReach: Int64 = 1_000

    /// The last millisecond near `estimate` at which `holds` (true up to a bound, false after) is true.
    private static func boundary(near estimate: Int64, lastOf holds: (Int64) -> Bool) -> Int64? {
        var m = estimate
        if holds(m) {
            while m < estimate + searchReach, holds(m + 1) { m += 1 }
            return m
        }
        while m > estimate - searchReach {
            m -= 1
            if holds(m) { return m }
        }
        return nil
    }

    /// The first millisecond near `estimate` at which `holds` (false up to a bound, true after) is true.
    private static func boundary(near estimate: Int64, firstOf holds: (Int64) -> Bool) -> Int64? {
        boundary(near: -estimate, lastOf: { holds(-$0) }).map { -$0 }
    }
}
