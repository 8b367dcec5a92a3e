import Foundation

extension PolicyEngine {
    /// The rules each provider runs, as selections a store can evaluate at `now` (providers in id
    /// order, those no rule runs on left out). A token in a state other than active or expired is
    /// never decided (see `evaluate`); the store applies that itself.
    public static func selections(rules: [Rule], providers: [ProviderConfig], now: Date) -> [PolicySelection] {
        let rulesOf = rulesByProvider(rules, providers: providers)
        var windows: [ProviderKind: [Trigger: TriggerWindow]] = [:]
        return providers.sorted { $0.id < $1.id }.compactMap { provider -> PolicySelection? in
            guard let indices = rulesOf[provider.id] else { return nil }
            let candidates = indices.sorted { outranks($0, $1, in: rules) }.compactMap { index -> PolicySelection.Candidate? in
                let rule = rules[index]
                let ruleWindows = rule.triggers.map { trigger in
                    if let known = windows[provider.kind]?[trigger] { return known }
                    let window = window(of: trigger, kind: provider.kind, now: now)
                    windows[provider.kind, default: [:]][trigger] = window
                    return window
                }
                guard !ruleWindows.contains(.never) else { return nil }
                return .init(
                    rule: index, match: rule.match, windows: ruleWindows, skipsExpired: !rule.action.applies(to: .expired),
                    rotates: rule.action == .rotate)
            }
            return candidates.isEmpty ? nil : PolicySelection(provider: provider.id, candidates: candidates)
        }
    }
}
