import Foundation

/// Evaluates rules against tokens at a given moment: a pure function, so policy is tested as tables.
/// Semantics (also in the README):
/// - a rule fires when its `match.*` filters select the token and all of its triggers hold at `now`;
/// - a rule runs only on providers that can serve it (see `Rule.applicability`);
/// - revoked and gone tokens are skipped; expired tokens are never rotated;
/// - a token without last use, on a provider that reports last use, counts as unused since creation;
/// - when several rules fire, the strongest action wins (revoke > rotate > notify), and all are recorded;
/// - tokenwarden's own credentials (`protected`) are held from revoke and rotate.
public enum PolicyEngine {
    public static func evaluate(tokens: [Token], rules: [Rule], providers: [ProviderConfig], protected: Set<String> = [],
                                now: Date) -> [Decision] {
        let kinds = Dictionary(providers.map { ($0.id, $0.kind) }, uniquingKeysWith: { first, _ in first })
        let runsOn = rules.map { Set($0.applicability(to: providers).providers.map(\.id)) }
        var decisions: [Decision] = []
        for token in tokens where token.state != .revoked && token.state != .gone {
            guard let kind = kinds[token.provider] else { continue }
            var fired: [(rule: Rule, reason: String)] = []
            for (index, rule) in rules.enumerated() where runsOn[index].contains(token.provider) && rule.match.matches(token) {
                if rule.action == .rotate && token.state == .expired { continue }
                guard let reasons = holds(rule.triggers, for: token, kind: kind, now: now) else { continue }
                fired.append((rule, reasons.joined(separator: " and ") + "; rule \(rule.name) allows \(limits(of: rule))"))
            }
            guard let strongest = fired.map(\.rule.action).max(),
                  let winner = fired.first(where: { $0.rule.action == strongest }) else { continue }
            var hold: Decision.Hold?
            if strongest != .notify {
                if protected.contains(token.reference) { hold = .ownCredential }
                else if !kind.capabilities.contains(.revoke) { hold = .needsPerson }
            }
            decisions.append(Decision(token: token, action: strongest, rule: winner.rule.name, matchedRules: fired.map(\.rule.name),
                                      reason: winner.reason, hold: hold))
        }
        return decisions.sorted { ($0.token.provider, $0.token.name, $0.token.id) < ($1.token.provider, $1.token.name, $1.token.id) }
    }

    /// The reason each trigger holds, or nil as soon as one does not.
    static func holds(_ triggers: [Trigger], for token: Token, kind: ProviderKind, now: Date) -> [String]? {
        var reasons: [String] = []
        for trigger in triggers {
            guard let reason = reason(trigger, token: token, kind: kind, now: now) else { return nil }
            reasons.append(reason)
        }
        return reasons
    }

    static func reason(_ trigger: Trigger, token: Token, kind: ProviderKind, now: Date) -> String? {
        switch trigger {
        case let .expiresWithin(span):
            guard let expires = token.expiresAt, expires > now, expires.timeIntervalSince(now) <= span.timeInterval else { return nil }
            return "expires in \(days(expires.timeIntervalSince(now))) (\(ProviderTimestamp.formatDay(expires)))"
        case .expired:
            guard let expires = token.expiresAt, expires <= now else { return nil }
            return "expired \(days(now.timeIntervalSince(expires))) ago (\(ProviderTimestamp.formatDay(expires)))"
        case let .unusedFor(span):
            guard kind.capabilities.contains(.lastUsed) else { return nil }
            if let used = token.lastUsedAt {
                guard now.timeIntervalSince(used) >= span.timeInterval else { return nil }
                return "unused for \(days(now.timeIntervalSince(used))) (last used \(ProviderTimestamp.formatDay(used)))"
            }
            guard let created = token.createdAt, now.timeIntervalSince(created) >= span.timeInterval else { return nil }
            return "never used in the \(days(now.timeIntervalSince(created))) since it was created"
        case let .ageOver(span):
            guard let created = token.createdAt, now.timeIntervalSince(created) > span.timeInterval else { return nil }
            return "created \(days(now.timeIntervalSince(created))) ago (\(ProviderTimestamp.formatDay(created)))"
        }
    }

    /// "14d", or "90d unused, 30d age" for rules with several spans.
    static func limits(of rule: Rule) -> String {
        rule.triggers.map { trigger in
            switch trigger {
            case let .expiresWithin(span): "\(span) before expiry"
            case .expired: "no expired token"
            case let .unusedFor(span): "\(span) unused"
            case let .ageOver(span): "\(span) of age"
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
