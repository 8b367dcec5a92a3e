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
        // The rules each provider runs, in rule order: one lookup per token, not one per rule.
        var rulesOf: [String: [Int]] = [:]
        for (index, rule) in rules.enumerated() {
            for provider in rule.applicability(to: providers).providers { rulesOf[provider.id, default: []].append(index) }
        }
        var decisions: [Decision] = []
        var fired: [Int] = []
        for token in tokens where token.state != .revoked && token.state != .gone {
            guard let kind = kinds[token.provider], let candidates = rulesOf[token.provider] else { continue }
            // Which rules fire is decided without words; only the winner's reason is written out
            // (on a 800k-token store, formatting every firing rule's reason was most of `plan`).
            fired.removeAll(keepingCapacity: true)
            for index in candidates where rules[index].match.matches(token) {
                if rules[index].action == .rotate && token.state == .expired { continue }
                guard rules[index].triggers.allSatisfy({ reason($0, token: token, kind: kind, now: now, words: false) != nil }) else { continue }
                fired.append(index)
            }
            guard let strongest = fired.map({ rules[$0].action }).max(),
                  let winner = fired.first(where: { rules[$0].action == strongest }).map({ rules[$0] }),
                  let reasons = holds(winner.triggers, for: token, kind: kind, now: now) else { continue }
            var hold: Decision.Hold?
            if strongest != .notify {
                if protected.contains(token.reference) { hold = .ownCredential }
                else if !kind.capabilities.contains(.revoke) { hold = .needsPerson }
            }
            decisions.append(Decision(token: token, action: strongest, rule: winner.name, matchedRules: fired.map { rules[$0].name },
                                      reason: reasons.joined(separator: " and ") + "; rule \(winner.name) allows \(limits(of: winner))",
                                      hold: hold))
        }
        return decisions.sorted { ($0.token.provider, $0.token.name, $0.token.id) < ($1.token.provider, $1.token.name, $1.token.id) }
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
        case let .expiresWithin(span):
            guard let expires = token.expiresAt, expires > now, expires.timeIntervalSince(now) <= span.timeInterval else { return nil }
            return words ? "expires in \(days(expires.timeIntervalSince(now))) (\(ProviderTimestamp.formatDay(expires)))" : ""
        case .expired:
            guard let expires = token.expiresAt, expires <= now else { return nil }
            return words ? "expired \(days(now.timeIntervalSince(expires))) ago (\(ProviderTimestamp.formatDay(expires)))" : ""
        case let .unusedFor(span):
            guard kind.capabilities.contains(.lastUsed) else { return nil }
            if let used = token.lastUsedAt {
                guard now.timeIntervalSince(used) >= span.timeInterval else { return nil }
                return words ? "unused for \(days(now.timeIntervalSince(used))) (last used \(ProviderTimestamp.formatDay(used)))" : ""
            }
            guard let created = token.createdAt, now.timeIntervalSince(created) >= span.timeInterval else { return nil }
            return words ? "never used in the \(days(now.timeIntervalSince(created))) since it was created" : ""
        case let .ageOver(span):
            guard let created = token.createdAt, now.timeIntervalSince(created) > span.timeInterval else { return nil }
            return words ? "created \(days(now.timeIntervalSince(created))) ago (\(ProviderTimestamp.formatDay(created)))" : ""
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
