import TokenWardenCore

/// Refuses `enforce = true` where a revoke or rotate rule could hit tokenwarden's own credential
/// and tokenwarden cannot tell which token that is: revoking itself would stop every later cycle.
public enum EnforcementCheck {
    /// One problem per provider that needs `self_token_id` before enforcement is safe; empty when
    /// `enforce` is off. SailPoint names its own PAT (the OAuth client id); Planning Center is never
    /// written to, so neither needs it.
    public static func problems(configuration: Configuration, rules: [Rule]) -> [ConfigProblem] {
        guard configuration.daemon.enforce else { return [] }
        // Located here, for every caller (validate, sync, the daemon's start and reload); the file is
        // read again only when there is a problem to locate.
        var locator: SourceLocator??
        func line(of provider: String) -> Int? {
            if locator == nil { locator = (try? String(contentsOfFile: configuration.sourcePath, encoding: .utf8)).map(SourceLocator.init) }
            return locator??.lineOfKey("self_token_id", inEntryOf: "provider", where: "id", is: provider)
        }
        var problems: [ConfigProblem] = []
        for provider in configuration.providers where provider.selfTokenID == nil && provider.kind != .sailPoint {
            guard provider.kind.capabilities.contains(.revoke) else { continue }
            let writing = rules.filter { $0.action != .notify && $0.applicability(to: [provider]).providers.contains(provider) }
            guard !writing.isEmpty else { continue }
            let names = writing.map { "\"\($0.name)\"" }.joined(separator: ", ")
            problems.append(
                ConfigProblem(
                    file: configuration.sourcePath, line: line(of: provider.id),
                    subject: "provider \"\(provider.id)\"", key: "self_token_id",
                    message: "enforce = true, and rule\(writing.count == 1 ? "" : "s") \(names) could revoke or rotate the token tokenwarden "
                        + "itself signs in to \(provider.id) with; set self_token_id to that token's id "
                        + "so tokenwarden never acts on it. `tokenwarden tokens --provider \(provider.id)` lists them after a sync (run one "
                        + "with enforce = false first) and says which it can tell; `tokenwarden validate --online` shows whom the "
                        + "credential signs in as"))
        }
        return problems
    }
}
