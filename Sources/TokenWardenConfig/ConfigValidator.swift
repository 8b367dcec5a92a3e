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
        // Credential problems are found after the parse, so they are located here, by provider id.
        let locator = (try? String(contentsOfFile: configuration.sourcePath, encoding: .utf8)).map(SourceLocator.init)
        if checkCredentials {
            let loader = CredentialLoader(environment: environment)
            for provider in configuration.providers {
                do {
                    let loaded = try loader.load(provider.credential, kind: provider.kind)
                    report.credentials.append(.init(provider: provider.id, path: loaded.path, mode: UInt32(loaded.mode)))
                } catch {
                    report.problems.append(
                        ConfigProblem(
                            file: configuration.sourcePath,
                            line: locator?.lineOfKey("credential", inEntryOf: "provider", where: "id", is: provider.id),
                            subject: "provider \"\(provider.id)\"", key: "credential", message: error.description))
                }
                // Owner credentials follow the same file-mode rules as the main one.
                for owner in provider.owners {
                    do {
                        let loaded = try loader.load(owner.credential, kind: provider.kind)
                        report.credentials.append(.init(provider: provider.id, path: loaded.path, mode: UInt32(loaded.mode), owner: owner.name))
                    } catch {
                        report.problems.append(
                            ConfigProblem(
                                file: configuration.sourcePath,
                                line: locator?.lineOfKey("credential", inEntryOf: "provider.owner", where: "name", is: owner.name),
                                subject: "provider \"\(provider.id)\", owner \"\(owner.name)\"", key: "owner.credential",
                                message: error.description))
                    }
                }
            }
        }
        var policyLoader = PolicyLoader(for: configuration)
        let kept = Set(configuration.providers.map(\.id))
        policyLoader.rejectedProviders = Set(
            problems.compactMap { problem -> String? in
                guard let subject = problem.subject, subject.hasPrefix("provider \""), subject.hasSuffix("\"") else { return nil }
                let id = String(subject.dropFirst("provider \"".count).dropLast())
                return kept.contains(id) ? nil : id
            })
        let (policies, policyProblems) = policyLoader.read(
            directory: configuration.daemon.policyDirectory,
            providers: configuration.providers)
        report.policies = policies
        report.problems += policyProblems
        report.problems += PolicyLoader.deliveriesIntoState(policies.rules, stateDirectory: configuration.daemon.stateDirectory)
        report.problems += EnforcementCheck.problems(configuration: configuration, rules: policies.rules)
        return report
    }
}
