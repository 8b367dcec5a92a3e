import Foundation
import Synchronization
import TokenWardenConfig
import TokenWardenCore
import TokenWardenProviders
import TokenWardenStore

/// Assembles what a command needs from one config file: the configuration and the token store.
/// Commands differ only in how much they need, so each asks for exactly that.
public enum Runtime {
    /// The configuration for commands that only read the inventory: any parsable config will do, so an
    /// on-call can still look at tokens while a config mistake is being fixed. Problems are returned to warn about.
    public static func configurationForReading(path: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ConfigError) -> (configuration: Configuration, problems: [ConfigProblem])
    {
        let (configuration, problems) = ConfigLoader(environment: environment).read(path: path)
        guard let configuration else { throw ConfigError(problems: problems) }
        return (configuration, problems)
    }

    /// The store for commands that poll or act: created and migrated if needed, providers registered;
    /// checked first unless `checking` is false (the daemon checks after `READY=1`).
    public static func store(for configuration: Configuration, checking: Bool = true, now: Date = Date()) throws -> TokenStore {
        try StateOwnershipError.check(configuration.daemon.stateDirectory)
        let store = try TokenStore.open(path: configuration.databasePath, checking: checking)
        try store.registerProviders(configuration.providers, at: now)
        return store
    }

    /// A driver for every provider whose credential loads; the others with the reason they cannot be polled.
    public static func drivers(
        for configuration: Configuration, http: ProviderHTTPClient,
        environment: [String: String] = ProcessInfo.processInfo.environment
    )
        -> (ready: [(config: ProviderConfig, driver: any ProviderDriver)], failed: [(provider: String, reason: String)])
    {
        var ready: [(config: ProviderConfig, driver: any ProviderDriver)] = []
        var failed: [(provider: String, reason: String)] = []
        for provider in configuration.providers {
            do {
                ready.append((provider, try driver(for: provider, http: http, environment: environment)))
            } catch {
                failed.append((provider.id, String(describing: error)))
            }
        }
        return (ready, failed)
    }

    /// The driver of one provider, with its credential loaded and checked.
    public static func driver(
        for provider: ProviderConfig, http: ProviderHTTPClient,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> any ProviderDriver {
        let credential = try CredentialLoader(environment: environment).load(provider.credential, kind: provider.kind).credential
        return try ProviderDrivers.make(for: provider, credential: credential, http: http)
    }

    /// The validated policy set of a configuration, or every problem in it.
    public static func policies(for configuration: Configuration) throws(ConfigError) -> PolicySet {
        let policies = try PolicyLoader().load(directory: configuration.daemon.policyDirectory, providers: configuration.providers)
        let problems = PolicyLoader.deliveriesIntoState(policies.rules, stateDirectory: configuration.daemon.stateDirectory)
        guard problems.isEmpty else { throw ConfigError(problems: problems) }
        return policies
    }

    /// `provider/id` of every token tokenwarden itself authenticates with: each provider's
    /// `self_token_id`, and for SailPoint the PAT id in the credential (its OAuth client id).
    /// Also names the providers whose own token cannot be known (SailPoint with an unreadable credential).
    public static func ownTokens(of configuration: Configuration, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> (references: Set<String>, unknown: [String])
    {
        let (ids, unknown) = ownTokenIDs(of: configuration, environment: environment)
        return (Set(ids.map { "\($0.key)/\($0.value)" }), unknown)
    }

    /// The id of the token each provider's main credential is, where known (provider id → token id).
    public static func ownTokenIDs(of configuration: Configuration, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> (ids: [String: String], unknown: [String])
    {
        let loader = CredentialLoader(environment: environment)
        var ids: [String: String] = [:]
        var unknown: [String] = []
        for provider in configuration.providers {
            if let id = provider.selfTokenID { ids[provider.id] = id }
            guard provider.kind == .sailPoint else { continue }
            if let id = (try? loader.load(provider.credential, kind: provider.kind))?.credential.publicIdentifier {
                ids[provider.id] = id
            } else {
                unknown.append(provider.id)
            }
        }
        return (ids, unknown)
    }

    /// Whose tokens tokenwarden can rotate: the owners its credentials sign in as, from the config and
    /// from what the providers said (stored at each poll, or the owner of the credential's own token).
    public static func signers(
        of configuration: Configuration, store: TokenStore,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> RotationSigners {
        let identities = try store.identities(ownTokens: ownTokenIDs(of: configuration, environment: environment).ids)
        return RotationSigners(providers: configuration.providers, identities: identities)
    }

    /// The driver that signs in as `token`'s owner to create its successor: the `[[provider.owner]]`
    /// credential the config names for that owner, else the provider's main `driver` (whose identity
    /// the policy has checked owns the token; the rotation checks the provider's answer either way).
    public static func creator(
        for token: Token, provider: ProviderConfig, main driver: any ProviderDriver, http: ProviderHTTPClient,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> any ProviderDriver {
        guard let owner = provider.ownerCredential(for: token) else { return driver }
        let credential = try CredentialLoader(environment: environment).load(owner.credential, kind: provider.kind).credential
        return try ProviderDrivers.make(for: provider, credential: credential, http: http)
    }

    /// The rotate rules whose one destination (a file, or a command that does not name `{token_id}`)
    /// serves more than one live token, with up to ten of those tokens each: every successor would
    /// overwrite the last one's secret, and all but one would be delivered nowhere.
    public static func sharedDestinations(store: TokenStore, configuration: Configuration, policies: PolicySet) throws -> [String: [String]] {
        var collisions: [String: [String]] = [:]
        for rule in policies.rules where rule.action == .rotate {
            guard let delivery = rule.delivery, !delivery.isPerToken else { continue }
            let providers = rule.applicability(to: configuration.providers).providers.map(\.id)
            let served = try store.activeTokens(matching: rule.match, providers: providers, limit: 10)
            if served.count > 1 { collisions[rule.name] = served }
        }
        return collisions
    }

    /// `creator(for:…)` for every provider of `configuration`: what a cycle's rotations create with.
    public static func creators(
        for configuration: Configuration, http: ProviderHTTPClient,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> PolicyActuator.Creator {
        { token, main in
            guard let provider = configuration.provider(id: token.provider) else { return main }
            return try creator(for: token, provider: provider, main: main, http: http, environment: environment)
        }
    }

    /// What policy decides now about the live tokens of `providers` (all when nil), with tokenwarden's
    /// own credentials protected: what `plan` shows and what a cycle acts on.
    public static func decisions(
        store: TokenStore, configuration: Configuration, policies: PolicySet, providers: Set<String>? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment, now: Date
    ) throws -> [Decision] {
        // Only providers some rule runs on; with none, nothing is read.
        var evaluated = Set(PolicyEngine.rulesByProvider(policies.rules, providers: configuration.providers).keys)
        if let providers { evaluated.formIntersection(providers) }
        guard !evaluated.isEmpty else { return [] }
        let protected = ownTokens(of: configuration, environment: environment).references
        let signers = try signers(of: configuration, store: store, environment: environment)
        let colliding = Set(try sharedDestinations(store: store, configuration: configuration, policies: policies).keys)
        var decisions: [Decision] = []
        try store.forEachBatch(matching: TokenQuery(states: [.active, .expired]), at: now) { batch in
            decisions += PolicyEngine.evaluate(
                tokens: batch.filter { evaluated.contains($0.provider) }, rules: policies.rules,
                providers: configuration.providers, protected: protected, signers: signers,
                colliding: colliding, now: now)
        }
        return decisions
    }

    /// What `plan` prints about the whole inventory at `now`, listing up to `listing` tokens per rule.
    /// SQLite finds the winning rule of every token in one pass (`TokenStore.forEachFiring`), and only the
    /// listed tokens are decided in full; `agreed` is false when the engine decided one of those otherwise
    /// than the pass (a bug to report), in which case the outline comes from deciding every token.
    public static func outline(
        store: TokenStore, configuration: Configuration, policies: PolicySet, listing: Int,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        now: Date
    ) throws -> (outline: PlanOutline, agreed: Bool) {
        let budget = ActionBudget(settings: configuration.daemon, providers: configuration.providers)
        let protected = ownTokens(of: configuration, environment: environment).references
        let signers = try signers(of: configuration, store: store, environment: environment)
        let colliding = Set(try sharedDestinations(store: store, configuration: configuration, policies: policies).keys)
        let empty = DecisionTally(
            rules: policies.rules, providers: configuration.providers, protected: protected, signers: signers,
            colliding: colliding, budget: budget, listing: listing)
        let selections = PolicyEngine.selections(rules: policies.rules, providers: configuration.providers, now: now)
        // One slice of the table per core, each read on its own connection (1M tokens on 2 cores:
        // about 0.6 of the time of one pass); the tallies are merged.
        let slices = try store.slices(ProcessInfo.processInfo.activeProcessorCount)
        let results = Mutex<[Result<DecisionTally, any Error>]>([])
        DispatchQueue.concurrentPerform(iterations: slices.count) { index in
            var tally = empty
            let result = Result { () throws -> DecisionTally in
                try store.forEachFiring(selections, slice: slices[index]) { tally.add(provider: $0, rule: $1, name: $2, id: $3, owner: $4) }
                return tally
            }
            results.withLock { $0.append(result) }
        }
        var tally = empty
        for result in results.withLock({ $0 }) { tally.merge(try result.get()) }
        let listed = try store.tokens(keys: tally.listedKeys.map { ($0.provider, $0.id) })
        let decided = PolicyEngine.evaluate(
            tokens: listed, rules: policies.rules, providers: configuration.providers,
            protected: protected, signers: signers, colliding: colliding, now: now)
        if let outline = tally.outline(decided) { return (outline, true) }
        let every = try decisions(store: store, configuration: configuration, policies: policies, environment: environment, now: now)
        return (PlanOutline(decisions: every, budget: budget, listing: listing), false)
    }

    /// The inventory, opened read-only: looking never creates, migrates or changes the database.
    public static func inventory(for configuration: Configuration) throws(StoreError) -> TokenStore {
        try TokenStore.openReadOnly(path: configuration.databasePath)
    }
}
