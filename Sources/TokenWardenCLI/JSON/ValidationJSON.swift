import Foundation
import TokenWardenConfig
import TokenWardenCore
import TokenWardenLifecycle

/// What `validate --json` prints (docs/json.md): whether the setup is valid, every problem with its
/// file and line, and what a valid setup will do (mode, providers, rules, who gets mail).
struct ValidationJSON: Encodable {
    let report: ValidationReport
    let path: String
    var warnings: [String] = []
    /// `--online`'s results; nil (printed as null) without it.
    var online: [OnlineCheck.Result]? = nil

    /// One problem, every key present.
    static func problem(_ problem: ConfigProblem) -> JSONFields {
        JSONFields([
            "file": .string(problem.file), "line": .integer(problem.line), "column": .integer(problem.column),
            "subject": .string(problem.subject), "key": .string(problem.key), "message": .string(problem.message),
            "suggestion": .string(problem.suggestion),
        ])
    }

    enum Keys: String, CodingKey {
        case valid, config, problems, mode, database, providers, rules, notifiers, warnings, online
        case maxActionsPerCycle = "max_actions_per_cycle"
        case providerAddresses = "provider_addresses"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(report.isValid, forKey: .valid)
        try container.encode(path, forKey: .config)
        try container.encode(report.problems.map(Self.problem), forKey: .problems)
        try container.encode(warnings, forKey: .warnings)
        let configuration = report.isValid ? report.configuration : nil
        try container.encode(configuration.map { $0.daemon.enforce ? "enforce" : "report" }, forKey: .mode)
        try container.encode(configuration?.daemon.maxActionsPerCycle, forKey: .maxActionsPerCycle)
        try container.encode(configuration?.databasePath, forKey: .database)
        try container.encode(configuration?.owners.providerAddresses, forKey: .providerAddresses)
        let providers = (configuration?.providers ?? []).map { provider in
            let credential = report.credentials.first { $0.provider == provider.id && $0.owner == nil }
            return JSONFields([
                "id": .string(provider.id), "kind": .string(provider.kind.rawValue), "base_url": .string(provider.baseURL),
                "poll_interval_seconds": .number(Double((provider.pollInterval ?? configuration!.daemon.pollInterval).seconds)),
                "credential_path": .string(credential?.path), "credential_mode": .string(credential.map { String(format: "%04o", $0.mode) }),
            ])
        }
        try container.encode(providers, forKey: .providers)
        let rules = (configuration != nil ? report.policies?.rules ?? [] : []).map { rule in
            RuleJSON(
                name: rule.name, action: rule.action.rawValue,
                providers: rule.applicability(to: configuration!.providers).providers.map(\.id))
        }
        try container.encode(rules, forKey: .rules)
        try container.encode((configuration?.notifiers ?? []).map(\.id), forKey: .notifiers)
        let checks = online?.map { check in
            JSONFields([
                "provider": .string(check.provider), "owner": .string(check.owner), "succeeded": .bool(check.succeeded),
                "identity": .string(check.identity), "first_page_tokens": .number(check.firstPage.map(Double.init)),
                "seconds": .number(check.seconds), "error": .string(check.error),
            ])
        }
        try container.encode(checks, forKey: .online)
    }

    struct RuleJSON: Encodable {
        let name: String
        let action: String
        let providers: [String]
    }
}
