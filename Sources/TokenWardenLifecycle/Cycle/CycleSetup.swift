import Foundation
import TokenWardenConfig
import TokenWardenCore
import TokenWardenProviders

/// Everything a cycle needs that only a (re)load changes: the policy context, a driver per provider
/// whose credential loaded (and why the others did not), and how rotations create successors. The
/// enforcement check runs here, so an unsafe `enforce = true` stops a load, never a cycle.
public struct CycleSetup: Sendable {
    public let context: PolicyContext
    public let drivers: [ReadyProvider]
    public let unusable: [UnusableProvider]
    let creator: PolicyActuator.Creator
    /// See `HTTPPolicy.createSettles`: the HTTP client's, so a lost create is awaited as long as it may land.
    let createSettles: TimeInterval
    /// The notification templates (`templates/` beside the config, else built in).
    public let templates: NotificationTemplates
    /// Why an admin's template was not used (the built-in one is, so nothing is lost).
    public let templateProblem: NotificationTemplates.TemplateError?

    /// Throws a `ConfigError` when `enforce = true` is unsafe (see `EnforcementCheck`).
    public init(
        configuration: Configuration, policies: PolicySet, http: ProviderHTTPClient,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigError) {
        let unsafe = EnforcementCheck.problems(configuration: configuration, rules: policies.rules)
        guard unsafe.isEmpty else { throw ConfigError(problems: unsafe) }
        context = PolicyContext(configuration: configuration, policies: policies, environment: environment)
        let drivers = DriverFactory.drivers(for: configuration, http: http, environment: environment)
        self.drivers = drivers.ready
        unusable = drivers.failed
        creator = DriverFactory.creators(for: configuration, http: http, environment: environment)
        createSettles = http.policy.createSettles
        do {
            templates = try NotificationTemplates.load(directory: configuration.templateDirectory)
            templateProblem = nil
        } catch {
            templates = .builtIn
            templateProblem = error
        }
    }

    /// The sender of notifications with this setup's templates.
    public func sender(http: ProviderHTTPClient) -> NotificationSender {
        NotificationSender(http: http, templates: templates)
    }

    public var configuration: Configuration { context.configuration }
}
