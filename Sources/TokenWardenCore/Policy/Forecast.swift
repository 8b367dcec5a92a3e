import Foundation

/// What comes due in the weeks ahead if nothing changes (`tokenwarden forecast`): the tokens that
/// expire, the revokes and rotations the rules will make due, and the notices owners will get,
/// projected from today's facts (no token is used again, none is renewed). Week by week, weeks
/// starting on Monday in the host's time zone; what is due already is `plan`'s, not the forecast's.
/// Tokens are added batch by batch: a million tokens pass through, only what falls in the
/// horizon is kept.
public struct Forecast: Sendable {
    /// A token that expires in the horizon.
    public struct Expiring: Sendable, Hashable {
        public var provider: String
        public var reference: String
        public var name: String
        public var expiresAt: Date
    }

    /// A rule's action (or notice) that comes due for a token.
    public struct Due: Sendable, Hashable {
        public var provider: String
        public var reference: String
        public var name: String
        public var rule: String
        public var action: RuleAction
        public var due: Date
    }

    public struct Week: Sendable {
        /// Monday, 00:00 local.
        public var start: Date
        /// "2027-03-01", local.
        public var day: String
        public var expiring: [Expiring] = []
        public var actions: [Due] = []
        public var notices: [Due] = []
        /// Per provider, the tokens that expire and the writes that come due: what the report draws
        /// (kept even when the lists are not).
        public var perProvider: [String: Int] = [:]
    }

    /// More revokes and rotations due at one provider on one day than its limit allows per cycle.
    public struct PileUp: Sendable, Hashable {
        public var provider: String
        public var day: String
        public var actions: Int
        public var limit: Int

        public init(provider: String, day: String, actions: Int, limit: Int) {
            (self.provider, self.day, self.actions, self.limit) = (provider, day, actions, limit)
        }
    }

    public private(set) var weeks: [Week]
    /// Whether each token is kept in the lists, or only counted (`perProvider`): the report of a
    /// million tokens needs the counts only.
    let listing: Bool
    let now: Date
    let end: Date
    let calendar: Calendar

    /// `count` weeks from the one holding `now` (at least one).
    public init(weeks count: Int, now: Date, timeZone: TimeZone, listing: Bool = true) {
        self.listing = listing
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = timeZone
        let first = calendar.dateInterval(of: .weekOfYear, for: now)?.start ?? now
        weeks = (0..<max(1, count)).map { index in
            let start = calendar.date(byAdding: .weekOfYear, value: index, to: first) ?? first
            return Week(start: start, day: Self.day(start, calendar))
        }
        end = calendar.date(byAdding: .weekOfYear, value: max(1, count), to: first) ?? now
        self.now = now
        self.calendar = calendar
    }

    static func day(_ date: Date, _ calendar: Calendar) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return String(format: "%04d", parts.year ?? 0) + "-" + two(parts.month) + "-" + two(parts.day)
    }

    private func week(of date: Date) -> Int? {
        guard date >= (weeks.first?.start ?? end), date < end else { return nil }
        return weeks.lastIndex { $0.start <= date }
    }

    /// Adds what `tokens` (live ones) bring in the horizon under `rules`. `protected`: tokenwarden's
    /// own credentials, never revoked or rotated by policy (their notices still come).
    public mutating func add(_ tokens: [Token], rules: [Rule], providers: [ProviderConfig], protected: Set<String> = []) {
        let kinds = Dictionary(providers.map { ($0.id, $0.kind) }, uniquingKeysWith: { first, _ in first })
        let rulesOf = PolicyEngine.rulesByProvider(rules, providers: providers)
        for token in tokens where token.state == .active || token.state == .expired {
            guard let kind = kinds[token.provider] else { continue }
            if let expires = token.expiresAt, expires > now, let index = week(of: expires) {
                weeks[index].perProvider[token.provider, default: 0] += 1
                if listing {
                    weeks[index].expiring.append(
                        Expiring(provider: token.provider, reference: token.reference, name: token.name, expiresAt: expires))
                }
            }
            var writes: [Due] = []
            var notices: [Due] = []
            for ruleIndex in rulesOf[token.provider] ?? [] where rules[ruleIndex].match.matches(token) {
                let rule = rules[ruleIndex]
                for moment in Self.dues(of: rule, for: token, kind: kind, after: now) {
                    // A rule with a window acts at its next opening.
                    let due =
                        ActionWindow.isOpen(rule.windows, at: moment, in: calendar.timeZone)
                        ? moment : ActionWindow.nextOpening(of: rule.windows, after: moment, in: calendar.timeZone) ?? moment
                    guard due < end else { continue }
                    let entry = Due(
                        provider: token.provider, reference: token.reference, name: token.name, rule: rule.name, action: rule.action, due: due)
                    if rule.action == .notify {
                        notices.append(entry)
                    } else if !protected.contains(token.reference), rule.action != .rotate || token.expiresAt.map({ due < $0 }) ?? true {
                        writes.append(entry)
                    }
                }
            }
            // The first write replaces or removes the token: later writes and notices about it never come.
            let write = writes.min { ($0.due, $1.action.strength) < ($1.due, $0.action.strength) }
            if let write, let index = week(of: write.due) {
                weeks[index].perProvider[token.provider, default: 0] += 1
                if listing { weeks[index].actions.append(write) }
            }
            guard listing else { continue }
            for notice in notices where write.map({ notice.due < $0.due }) ?? true {
                if let index = week(of: notice.due) { weeks[index].notices.append(notice) }
            }
        }
    }

    /// A fact of a token and the span in which it must fall for a token to bring anything into the
    /// horizon: the store reads only such tokens (on a million, most bring nothing).
    public struct Window: Sendable, Hashable {
        public enum Fact: Sendable, Hashable {
            case created, expires
            /// The last use, else the creation (how `when.unused_for` counts).
            case usedOrCreated
        }

        public var fact: Fact
        public var from: Date
        public var until: Date
    }

    /// The windows a token's facts must fall in for it to expire in the horizon or for one of
    /// `rules` to come due there: a rule comes due when its last trigger starts to hold, so that
    /// trigger's start falls in the horizon. A superset: `add` decides.
    public func windows(rules: [Rule]) -> [Window] {
        var windows = [Window(fact: .expires, from: now, until: end)]
        for rule in rules {
            for span in rule.leadTimes {
                windows.append(Window(fact: .expires, from: now + span.timeInterval, until: end + span.timeInterval))
            }
            for trigger in rule.triggers {
                switch trigger {
                case .expiresWithin(let span): windows.append(Window(fact: .expires, from: now + span.timeInterval, until: end + span.timeInterval))
                case .expired: break  // the expiry window above
                case .unusedFor(let span): windows.append(Window(fact: .usedOrCreated, from: now - span.timeInterval, until: end - span.timeInterval))
                case .ageOver(let span): windows.append(Window(fact: .created, from: now - span.timeInterval - 1, until: end - span.timeInterval))
                }
            }
        }
        return Array(Set(windows))
    }

    /// When `rule` comes due for `token` after `now`, if it does: the first moment all its triggers
    /// hold, when that is later than `now` (a rule that holds already is due now). A notify rule with
    /// several lead times comes due at each.
    static func dues(of rule: Rule, for token: Token, kind: ProviderKind, after now: Date) -> [Date] {
        if rule.action == .notify, rule.leadTimes.count > 1, let expires = token.expiresAt {
            return rule.leadTimes.map { expires.addingTimeInterval(-$0.timeInterval) }.filter { $0 > now && $0 < expires }
        }
        var from = Date.distantPast
        var until = Date.distantFuture
        for trigger in rule.triggers {
            switch trigger {
            case .expiresWithin(let span):
                guard let expires = token.expiresAt else { return [] }
                from = max(from, expires.addingTimeInterval(-span.timeInterval))
                until = min(until, expires)
            case .expired:
                guard let expires = token.expiresAt else { return [] }
                from = max(from, expires)
            case .unusedFor(let span):
                guard kind.capabilities.contains(.lastUsed), let since = token.lastUsedAt ?? token.createdAt else { return [] }
                from = max(from, since.addingTimeInterval(span.timeInterval))
            case .ageOver(let span):
                guard let created = token.createdAt else { return [] }
                from = max(from, created.addingTimeInterval(span.timeInterval + 0.001))
            }
        }
        return from > now && from < until ? [from] : []
    }

    /// The days on which more revokes and rotations come due at a provider than `limit(provider)`
    /// allows per cycle, in day order.
    public func pileUps(limit: (String) -> Int) -> [PileUp] {
        var perDay: [String: [String: Int]] = [:]
        for week in weeks {
            for action in week.actions { perDay[action.provider, default: [:]][Self.day(action.due, calendar), default: 0] += 1 }
        }
        var found: [PileUp] = []
        for (provider, days) in perDay {
            for (day, count) in days where count > limit(provider) {
                found.append(PileUp(provider: provider, day: day, actions: count, limit: limit(provider)))
            }
        }
        return found.sorted { ($0.day, $0.provider) < ($1.day, $1.provider) }
    }

    /// Each week's lists in time order.
    public mutating func sort() {
        for index in weeks.indices {
            weeks[index].expiring.sort { ($0.expiresAt, $0.reference) < ($1.expiresAt, $1.reference) }
            weeks[index].actions.sort { ($0.due, $0.reference) < ($1.due, $1.reference) }
            weeks[index].notices.sort { ($0.due, $0.reference) < ($1.due, $1.reference) }
        }
    }
}
