import Foundation

/// Evaluates rules against tokens at a given moment: a pure function, so policy is tested as tables.
/// Semantics (also in the README):
/// - a rule fires when its `match.*` filters select the token and all of its triggers hold at `now`;
/// - a rule runs only on providers that can serve it (see `Rule.applicability`);
/// - revoked and gone tokens are skipped; expired tokens are never rotated;
/// - a token without last use, on a provider that reports last use, counts as unused since creation;
/// - when several rules fire, the strongest action wins (revoke > rotate > notify), and all are recorded;
/// - tokenwarden's own credentials (`protected`) are held from revoke and rotate;
/// - a snoozed or exempt token (`suspended`) is held from everything, notifications included;
/// - a rule with a `window` is held from everything outside it (in `timeZone`), notifications included;
/// - a paused provider (`paused`) is held from revokes and rotations; notifications go on.
public enum PolicyEngine {
    /// `colliding`: rotate rules whose one destination serves several live tokens (see
    /// `Decision.Hold.sharedDestination`); their rotations are held. `suspended`: the snoozes and
    /// exemptions that hold at `now`, by reference. `paused`: the admins' pauses in effect.
    public static func evaluate(
        tokens: [Token], rules: [Rule], providers: [ProviderConfig], protected: Set<String> = [],
        signers: RotationSigners, colliding: Set<String> = [], suspended: [String: Suspension] = [:], paused: [Pause] = [],
        approvals: [String: Approval] = [:], now: Date, timeZone: TimeZone = TimeZone(identifier: "UTC")!
    ) -> [Decision] {
        // Windows are looked at once per rule, not per token: `now` is one moment.
        let closed = Set(rules.filter { !ActionWindow.isOpen($0.windows, at: now, in: timeZone) }.map(\.name))
        // What approvals of each `approve` rule are bound to: the rule as configured, so an edit lapses them.
        let fingerprints = rules.map { $0.approve ? $0.approvalFingerprint : nil }
        let kinds = Dictionary(providers.map { ($0.id, $0.kind) }, uniquingKeysWith: { first, _ in first })
        // The rules each provider runs: one lookup per token, not one per rule.
        let rulesOf = rulesByProvider(rules, providers: providers)
        var decisions: [Decision] = []
        var fired: [Int] = []
        for token in tokens where token.state != .revoked && token.state != .gone {
            guard let kind = kinds[token.provider], let candidates = rulesOf[token.provider] else { continue }
            // Which rules fire is decided without words; only the winner's reason is written out
            // (on a 800k-token store, formatting every firing rule's reason was most of `plan`).
            fired.removeAll(keepingCapacity: true)
            for index in candidates where rules[index].match.matches(token) {
                if !rules[index].action.applies(to: token.state) { continue }
                guard rules[index].triggers.allSatisfy({ reason($0, token: token, kind: kind, now: now, words: false) != nil }) else { continue }
                fired.append(index)
            }
            guard let won = fired.min(by: { outranks($0, $1, in: rules) }) else { continue }
            let winner = rules[won]
            guard let reasons = holds(winner.triggers, for: token, kind: kind, now: now) else { continue }
            let suspension = suspended.isEmpty ? nil : suspended[token.reference]
            let pause = paused.isEmpty ? nil : Pause.holding(token.provider, in: paused, at: now)
            let outsideWindow = !closed.isEmpty && closed.contains(winner.name)
            var decision = Decision(
                token: token, action: winner.action, rule: winner.name, matchedRules: fired.map { rules[$0].name },
                reason: reasons.joined(separator: " and ") + "; rule \(winner.name) allows \(limits(of: winner))",
                hold: hold(
                    of: winner.action, ownCredential: protected.contains(token.reference),
                    ownerCovered: winner.action != .rotate || signers.covers(token),
                    sharedDestination: colliding.contains(winner.name), suspension: suspension, outsideWindow: outsideWindow,
                    paused: pause != nil, kind: kind))
            decision.leadTime = leadTime(of: winner, for: token, now: now)
            decision.suspension = suspension
            // A person's approval is asked only for what would otherwise go ahead (or wait for a pause).
            decision.ruleFingerprint = fingerprints[won]
            if winner.approve, decision.action != .notify, decision.hold == nil || decision.hold == .paused {
                let approval = approvals.isEmpty ? nil : approvals[token.reference]
                if let held = Approval.hold(for: decision, approval: approval, at: now) { decision.hold = held }
                if approval?.applies(to: decision, at: now) == true { decision.approval = approval }
            }
            if decision.hold == .paused { decision.pause = pause }
            if decision.hold == .outsideWindow { decision.windowOpens = ActionWindow.nextOpening(of: winner.windows, after: now, in: timeZone) }
            decisions.append(decision)
        }
        return decisions.sorted { ($0.token.provider, $0.token.name, $0.token.id) < ($1.token.provider, $1.token.name, $1.token.id) }
    }

    /// The indices of the rules each provider runs, in policy order (see `Rule.applicability`).
    public static func rulesByProvider(_ rules: [Rule], providers: [ProviderConfig]) -> [String: [Int]] {
        var rulesOf: [String: [Int]] = [:]
        for (index, rule) in rules.enumerated() {
            for provider in rule.applicability(to: providers).providers { rulesOf[provider.id, default: []].append(index) }
        }
        return rulesOf
    }

    /// Whether rule `a` wins over rule `b` when both fire: the stronger action, then policy order.
    public static func outranks(_ a: Int, _ b: Int, in rules: [Rule]) -> Bool {
        let (strengthA, strengthB) = (rules[a].action.strength, rules[b].action.strength)
        return strengthA != strengthB ? strengthA > strengthB : a < b
    }

    /// Why a winning action is not carried out: own credentials are never revoked or rotated, a
    /// provider without a revoke API needs a person, and so does a rotation of a token whose owner
    /// tokenwarden cannot sign in as (`ownerCovered`); a snooze or exemption holds everything, and so
    /// does a closed window; a pause holds the writes that would otherwise go ahead; otherwise
    /// notifications are never held.
    public static func hold(
        of action: RuleAction, ownCredential: Bool, ownerCovered: Bool, sharedDestination: Bool = false,
        suspension: Suspension? = nil, outsideWindow: Bool = false, paused: Bool = false, kind: ProviderKind
    ) -> Decision.Hold? {
        if let suspension { return suspension.kind == .snooze ? .snoozed : .exempt }
        if outsideWindow { return .outsideWindow }
        guard action != .notify else { return nil }
        if ownCredential { return .ownCredential }
        guard kind.capabilities.contains(.revoke) else { return .needsPerson }
        if action == .rotate {
            if sharedDestination { return .sharedDestination }
            if !ownerCovered { return .ownerCredentialMissing }
        }
        return paused ? .paused : nil
    }

    /// The lead time of `rule`'s `when.expires_within` that `token` has crossed at `now`: with several,
    /// the shortest that is not yet passed (30d, 7d, 1d and 5 days left: 7d).
    static func leadTime(of rule: Rule, for token: Token, now: Date) -> TimeSpan? {
        guard let expires = token.expiresAt, expires > now else { return nil }
        let left = expires.timeIntervalSince(now)
        if rule.leadTimes.count > 1 { return rule.leadTimes.last { left <= $0.timeInterval } }
        for case .expiresWithin(let span) in rule.triggers { return span }
        return nil
    }

    /// The reason each trigger holds, or nil as soon as one does not.
    static func holds(_ triggers: [Trigger], for token: Token, kind: ProviderKind, now: Date) -> [String]? {
        var reasons: [String] = []
        for trigger in triggers {
            guard let reason = reason(trigger, token: token, kind: kind, now: now, words: true) else { return nil }
            reasons.append(reason)
        }
        return reasons
    }

    /// Why `trigger` holds, or nil when it does not; with `words: false` only whether it holds
    /// (an empty reason), for deciding without formatting dates.
    static func reason(_ trigger: Trigger, token: Token, kind: ProviderKind, now: Date, words: Bool) -> String? {
        switch trigger {
        case .expiresWithin(let span):
            guard let expires = token.expiresAt, expires > now, expires.timeIntervalSince(now) <= span.timeInterval else { return nil }
            return words ? "expires in \(days(expires.timeIntervalSince(now))) (\(ProviderTimestamp.formatDay(expires)))" : ""
        case .expired:
            guard let expires = token.expiresAt, expires <= now else { return nil }
            return words ? "expired \(days(now.timeIntervalSince(expires))) ago (\(ProviderTimestamp.formatDay(expires)))" : ""
        case .unusedFor(let span):
            guard kind.capabilities.contains(.lastUsed) else { return nil }
            if let used = token.lastUsedAt {
                guard now.timeIntervalSince(used) >= span.timeInterval else { return nil }
                return words ? "unused for \(days(now.timeIntervalSince(used))) (last used \(ProviderTimestamp.formatDay(used)))" : ""
            }
            guard let created = token.createdAt, now.timeIntervalSince(created) >= span.timeInterval else { return nil }
            return words ? "never used in the \(days(now.timeIntervalSince(created))) since it was created" : ""
        case .ageOver(let span):
            guard let created = token.createdAt, now.timeIntervalSince(created) > span.timeInterval else { return nil }
            return words ? "created \(days(now.timeIntervalSince(created))) ago (\(ProviderTimestamp.formatDay(created)))" : ""
        }
    }

    /// "14d", or "90d unused, 30d age" for rules with several spans.
    static func limits(of rule: Rule) -> String {
        rule.triggers.map { trigger in
            switch trigger {
            case .expiresWithin(let span):
                rule.leadTimes.count > 1 ? rule.leadTimes.map(\.description).joined(separator: "/") + " before expiry" : "\(span) before expiry"
            case .expired: "no expired token"
            case .unusedFor(let span): "\(span) unused"
            case .ageOver(let span): "\(span) of age"
            }
        }.joined(separator: ", ")
    }

    /// "412 days", "1 day", "5 hours" (under a day), "0 hours".
    static func days(_ seconds: TimeInterval) -> String {
        let whole = Int((seconds / 86_400).rounded(.down))
        if whole >= 1 { return whole == 1 ? "1 day" : "\(whole) days" }
        let hours = Int((seconds / 3_600).rounded(.down))
        return hours == 1 ? "1 hour" : "\(hours) hours"
    }
}
