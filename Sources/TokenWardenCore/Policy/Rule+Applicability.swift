extension Rule {
    /// Which configured providers a rule runs against, and which it leaves out and why.
    public struct Applicability: Sendable {
        public var providers: [ProviderConfig]
        /// Providers the rule does not name and cannot serve, with what they lack.
        public var skipped: [(provider: ProviderConfig, missing: ProviderCapabilities)]
    }

    /// A rule that names providers runs on exactly those (validation has made sure they can serve it);
    /// a rule with no provider filter runs on every provider that has what it needs.
    public func applicability(to providers: [ProviderConfig]) -> Applicability {
        var result = Applicability(providers: [], skipped: [])
        let needs = requiredCapabilities
        for provider in providers {
            if !match.providers.isEmpty {
                if match.providers.contains(provider.id) { result.providers.append(provider) }
                continue
            }
            let missing = needs.subtracting(provider.kind.capabilities)
            if missing.isEmpty { result.providers.append(provider) } else { result.skipped.append((provider, missing)) }
        }
        return result
    }
}
