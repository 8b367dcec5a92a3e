import Foundation
import TokenWardenCore

/// Checks a config file, its providers' credentials and the whole policy directory in one pass.
/// The daemon runs the same checks at start and on reload; `validate` prints the result.
public struct ConfigValidator: Sendable {
    public var environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    public func validate(path: String, checkCredentials: Bool = true) -> ValidationReport {
        var report = ValidationReport()
        let (configuration, problems) = ConfigLoader(environment: environment).read(path: path)
        report.problems = problems
        guard let configuration else { return report }
        report.configuration = configuration
        if configuration.providers.isEmpty && !problems.contains(where: { $0.key == "provider" || $0.subject?.hasPrefix("provider") == true }) {
            report.problems.append(
                ConfigProblem(
                    file: configuration.sourcePath,
                    message: "no [[provider]] tables: tokenwarden has nothing to watch"))
        }
        if checkCredentials {
            let loader = CredentialLoader(environment: environment)
            for provider in configuration.providers {
                do {
                    let loaded = try loader.load(provider.credential, kind: provider.kind)
                    report.credentials.append(.init(provider: provider.id, path: loaded.path, mode: UInt32(loaded.mode)))
                } catch {
                    report.problems.append(
                        ConfigProblem(
                            file: configuration.sourcePath, subject: "provider \"\(provider.id)\"",
                            key: "credential", message: error.description))
                }
                // Owner credentials follow the same file-mode rules as the main one.
                for owner in provider.owners {
                    do {
                        let loaded = try loader.load(owner.credential, kind: provider.kind)
                        report.credentials.append(.init(provider: provider.id, path: loaded.path, mode: UInt32(loaded.mode), owner: owner.name))
                    } catch {
                        report.problems.append(
                            ConfigProblem(
                                file: configuration.sourcePath, subject: "provider \"\(provider.id)\", owner \"\(owner.name)\"",
                                key: "owner.credential", message: error.description))
                    }
                }
            }
        }
        let (policies, policyProblems) = PolicyLoader(for: configuration).read(
            directory: configuration.daemon.policyDirectory,
            providers: configuration.providers)
        report.policies = policies
        report.problems += policyProblems
        report.problems += PolicyLoader.deliveriesIntoState(policies.rules, stateDirectory: configuration.daemon.stateDirectory)
        report.problems += EnforcementCheck.problems(configuration: configuration, rules: policies.rules)
        return report
    }
}
