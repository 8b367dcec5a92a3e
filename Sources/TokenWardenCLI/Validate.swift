import ArgumentParser
import Foundation
import TokenWardenConfig
import TokenWardenCore

/// `tokenwarden validate`: checks the config, credentials and every policy file, reporting all problems.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the config file, provider credentials and all policy files.",
        discussion: """
            Reads the main config file, checks that each provider's credential file exists and is \
            readable only by its owner (mode 0600 or 0400), then reads every *.toml in the policy \
            directory in name order. Every problem is printed, each with its file, line, rule and key, \
            and a suggestion for misspelt words. Exit 0 when valid, 2 when not.

            Run it after every edit, before `systemctl reload tokenwarden`:
              tokenwarden validate --config /etc/tokenwarden/tokenwarden.toml
            """
    )

    @OptionGroup var options: ConfigOptions

    func run() throws {
        let report = ConfigValidator().validate(path: options.config)
        guard report.isValid, let configuration = report.configuration else {
            throw Terminal.fail(ConfigError(problems: report.problems))
        }
        print(Self.summary(of: report, configuration: configuration))
    }

    static func summary(of report: ValidationReport, configuration: Configuration) -> String {
        let daemon = configuration.daemon
        var lines = ["\(configuration.sourcePath): valid"]
        let mode = daemon.enforce ? "ENFORCING (enforce = true)" : "report-only (enforce = false)"
        lines.append("  mode:      \(mode), at most \(daemon.maxActionsPerCycle) actions per cycle")
        lines.append("  database:  \(configuration.databasePath)")
        lines.append("  providers: \(configuration.providers.count)")
        var providers = TextTable("", "ID", "KIND", "POLL", "BASE URL", "CREDENTIAL")
        for provider in configuration.providers {
            let credential = report.credentials.first { $0.provider == provider.id && $0.owner == nil }
                .map { "\($0.path) (mode \(String(format: "%04o", $0.mode)))" } ?? "-"
            providers.append(["   ", provider.id, provider.kind.rawValue, (provider.pollInterval ?? daemon.pollInterval).description,
                              provider.baseURL, credential])
        }
        lines.append(providers.render())
        guard let policies = report.policies else { return lines.joined(separator: "\n") }
        if policies.files.isEmpty {
            let exists = FileManager.default.fileExists(atPath: policies.directory)
            lines.append("  policies:  none (\(policies.directory) \(exists ? "has no *.toml files" : "does not exist")): inventory only")
            return lines.joined(separator: "\n")
        }
        lines.append("  policies:  \(Self.count(policies.rules.count, "rule")) from \(Self.count(policies.files.count, "file")) in \(policies.directory)")
        for rule in policies.rules {
            let applicability = rule.applicability(to: configuration.providers)
            let on = applicability.providers.isEmpty ? "no provider" : applicability.providers.map(\.id).joined(separator: ", ")
            lines.append("    \(rule.name): \(rule.action.rawValue) when \(rule.triggers.map(\.description).joined(separator: " and ")); on \(on)")
            for (provider, missing) in applicability.skipped {
                lines.append("      skips \(provider.id): \(provider.kind.displayName) has no \(missing.names.joined(separator: " or "))")
            }
        }
        return lines.joined(separator: "\n")
    }

    static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
}
