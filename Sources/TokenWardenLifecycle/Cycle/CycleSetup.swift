import Foundation
import TokenWardenConfig
import TokenWardenCore
import TokenWardenProviders
import TokenWardenStore

/// Everything a cycle needs that only a (re)load changes: the policy context, a driver per provider
/// whose credential loaded (and why the others did not), and how rotations create successors. Built
/// from what `ConfigurationLoader` loaded, so an unsafe `enforce = true` stops a load, never a cycle.
public struct CycleSetup: Sendable {
    public let context: PolicyContext
    public private(set) var drivers: [ReadyProvider]
    public private(set) var unusable: [UnusableProvider]
    let creator: RotationStarter.Creator
    /// See `HTTPPolicy.createSettles`: the HTTP client's, so a lost create is awaited as long as it may land.
    let createSettles: TimeInterval
    /// For the drivers of a credential refresh (`reloadingCredentials`) and own-credential rotations.
    let http: ProviderHTTPClient
    let environment: [String: String]
    /// The stored successors of its own credentials as this setup read them (`OwnCredentialShelf.stamps`).
    let credentialStamps: [String: [Int]]
    /// The notification templates (`templates/` beside the config, else built in).
    public let templates: NotificationTemplates
    /// Why an admin's template was not used (the built-in one is, so nothing is lost).
    public let templateProblem: NotificationTemplates.TemplateError?

    /// `configuration` and `policies` as the one loader returned them (`ConfigurationLoader.load`),
    /// which checked them, the enforcement check included.
    public init(
        configuration: Configuration, policies: PolicySet, http: ProviderHTTPClient,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        // Taken before the credentials are read: a successor stored in between is seen as a change.
        credentialStamps = OwnCredentialShelf(stateDirectory: configuration.daemon.stateDirectory).stamps(
            of: Set(configuration.providers.map(\.id)))
        context = PolicyContext(configuration: configuration, policies: policies, environment: environment)
        let drivers = DriverFactory.drivers(for: configuration, http: http, environment: environment)
        self.drivers = drivers.ready
        unusable = drivers.failed
        creator = DriverFactory.creators(for: configuration, http: http, environment: environment)
        createSettles = http.policy.createSettles
        self.http = http
        self.environment = environment
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

    /// This setup for a cycle over `providers` only (every provider when nil).
    public func scoped(to providers: Set<String>?) -> CycleSetup {
        guard let providers else { return self }
        var scoped = self
        scoped.drivers = drivers.filter { providers.contains($0.config.id) }
        scoped.unusable = unusable.filter { providers.contains($0.provider) }
        return scoped
    }

    /// The providers a cycle with this setup decides about: those it polls, and those whose
    /// credential did not load (a write due there fails with the reason instead of silently waiting).
    var providerIDs: Set<String> { Set(drivers.map(\.config.id) + unusable.map(\.provider)) }

    /// The drivers a cycle writes with, by provider id.
    var writable: [String: any ProviderDriver] {
        Dictionary(drivers.map { ($0.config.id, $0.driver) }, uniquingKeysWith: { first, _ in first })
    }

    /// How rotations of this setup start, recorded in `store`.
    func rotationStarter(store: TokenStore, now: @escaping @Sendable () -> Date) -> RotationStarter {
        let spool = SecretSpool(stateDirectory: configuration.daemon.stateDirectory)
        let keeper = OwnCredentialKeeper(configuration: configuration, http: http, environment: environment, now: now)
        let rotator = TokenRotator(
            store: store, spool: spool, createSettles: createSettles, giveUpAfter: configuration.daemon.giveUpAfter, keeper: keeper,
            now: now)
        return RotationStarter(rotator: rotator, creator: creator)
    }

    /// Whether a successor of its own credential was stored, undone or settled since this setup
    /// read its credentials (by a cycle of its own, or by an admin's `sync`).
    public var credentialsChanged: Bool {
        OwnCredentialShelf(stateDirectory: configuration.daemon.stateDirectory).stamps(of: Set(configuration.providers.map(\.id)))
            != credentialStamps
    }

    /// The same configuration and policies with every credential read again: after tokenwarden
    /// replaced its own credential somewhere, its drivers and own-token ids must follow.
    public func reloadingCredentials() -> CycleSetup {
        CycleSetup(configuration: configuration, policies: context.policies, http: http, environment: environment)
    }
}
