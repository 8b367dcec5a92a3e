import Foundation
import TokenWardenCore

/// The one loader of tokenwarden's configuration: the main file (`ConfigLoader`), the providers'
/// credentials when asked, the policy directory (`PolicyLoader`), and the checks that span them
/// (deliveries into the state directory, `EnforcementCheck`). `validate` prints everything `read`
/// finds; the commands that apply policy, the daemon's start and its reload `load`, which refuses
/// on any problem. A new check added here holds for all of them at once.
public struct ConfigurationLoader: Sendable {
    public var environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// The configuration and its policies, or a `ConfigError` with every problem. Credentials are
    /// not read here: a provider whose credential does not load is left out of polling, with the
    /// reason, and the others go on (`DriverFactory`).
    public func load(path: String) throws(ConfigError) -> (configuration: Configuration, policies: PolicySet) {
        let report = read(path: path, checkCredentials: false)
        guard let configuration = report.configuration, let policies = report.policies, report.problems.isEmpty else {
            throw ConfigError(problems: report.problems)
        }
        return (configuration, policies)
    }

    /// Everything found, valid parts and problems, so one run shows all problems.
    public func read(path: String, checkCredentials: Bool = true) -> ValidationReport {
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
        let kept = Set(configuration.providers.map(\.id))
        let rejected = Set(
            problems.compactMap { problem -> String? in
                guard let subject = problem.subject, subject.hasPrefix("provider \""), subject.hasSuffix("\"") else { return nil }
                let id = String(subject.dropFirst("provider \"".count).dropLast())
                return kept.contains(id) ? nil : id
            })
        let (policies, policyProblems) = self.policies(of: configuration, rejectedProviders: rejected)
        report.policies = policies
        report.problems += policyProblems
        return report
    }

    /// The policy directory of a configuration already read, with the checks that span the two
    /// (deliveries into the state directory, `EnforcementCheck`). `rejectedProviders`: ids of
    /// provider tables the main file refused, so rules naming them draw no second problem.
    public func policies(
        of configuration: Configuration, rejectedProviders: Set<String> = []
    ) -> (policies: PolicySet, problems: [ConfigProblem]) {
        var policyLoader = PolicyLoader(for: configuration)
        policyLoader.rejectedProviders = rejectedProviders
        let (policies, problems) = policyLoader.read(directory: configuration.daemon.policyDirectory, providers: configuration.providers)
        return (
            policies,
            problems + PolicyLoader.deliveriesIntoState(policies.rules, stateDirectory: configuration.daemon.stateDirectory)
                + EnforcementCheck.problems(configuration: configuration, rules: policies.rules)
        )
    }
}
