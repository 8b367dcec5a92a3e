import Dispatch
import Foundation
import Synchronization
import TokenWardenConfig
import TokenWardenCore
import TokenWardenStore

/// What policy needs besides the tokens, worked out once per configuration load: the validated
/// policy set, the providers some rule runs on, and tokenwarden's own tokens (which policy never
/// revokes or rotates; SailPoint's is read from its credential). `plan`, `sync` and every daemon
/// cycle decide through it; what changes between cycles (the signers, shared destinations) is read
/// from the store each time.
public struct PolicyContext: Sendable {
    public let configuration: Configuration
    public let policies: PolicySet
    /// `provider/id` of every token tokenwarden itself authenticates with.
    public let protected: Set<String>
    /// The id of the token each provider's main credential is, where known (provider id → token id).
    public let ownTokenIDs: [String: String]
    /// Providers whose own token cannot be known (SailPoint with an unreadable credential).
    public let unknownOwnTokens: [String]
    /// The providers at least one rule runs on: the others are never read for decisions.
    public let ruleProviders: Set<String>

    public init(configuration: Configuration, policies: PolicySet, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.configuration = configuration
        self.policies = policies
        let own = Self.ownTokenIDs(of: configuration, environment: environment)
        ownTokenIDs = own.ids
        unknownOwnTokens = own.unknown
        protected = Set(own.ids.map { "\($0.key)/\($0.value)" } + own.replaced.map { "\($0.key)/\($0.value)" })
        ruleProviders = Set(PolicyEngine.rulesByProvider(policies.rules, providers: configuration.providers).keys)
    }

    /// `provider/id` of tokenwarden's own tokens, for commands that load no policies (`revoke`, `rotate`):
    /// each credential in use, and one its own successor replaced but has not revoked yet.
    public static func ownTokens(of configuration: Configuration, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> Set<String>
    {
        let own = ownTokenIDs(of: configuration, environment: environment)
        return Set(own.ids.map { "\($0.key)/\($0.value)" } + own.replaced.map { "\($0.key)/\($0.value)" })
    }

    /// Each provider's own token id (`MainCredential.tokenID`: the successor's, SailPoint's client
    /// id, or `self_token_id`), and the one a successor replaced; `unknown` lists the SailPoint
    /// providers whose credential did not load.
    public static func ownTokenIDs(of configuration: Configuration, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> (ids: [String: String], unknown: [String], replaced: [String: String])
    {
        let loader = CredentialLoader(environment: environment)
        var ids: [String: String] = [:]
        var replaced: [String: String] = [:]
        var unknown: [String] = []
        for provider in configuration.providers {
            let main = try? MainCredential.resolve(provider, stateDirectory: configuration.daemon.stateDirectory, loader: loader)
            if let id = main?.tokenID(of: provider) ?? (provider.kind == .sailPoint ? nil : provider.selfTokenID) {
                ids[provider.id] = id
            } else if provider.kind == .sailPoint {
                unknown.append(provider.id)
            }
            if let old = main?.replacedTokenID(of: provider) { replaced[provider.id] = old }
        }
        return (ids, unknown, replaced)
    }

    /// Whose tokens tokenwarden can rotate: the owners its credentials sign in as, from the config and
    /// from what the providers said (stored at each poll, or the owner of the credential's own token).
    public func signers(store: TokenStore) throws -> RotationSigners {
        RotationSigners(providers: configuration.providers, identities: try store.identities(ownTokens: ownTokenIDs))
    }

    /// The rotate rules whose one destination (a file, or a command that does not name `{token_id}`)
    /// serves more than one live token, with up to ten of those tokens each: every successor would
    /// overwrite the last one's secret, and all but one would be delivered nowhere.
    public func sharedDestinations(store: TokenStore) throws -> [String: [String]] {
        var collisions: [String: [String]] = [:]
        for rule in policies.rules where rule.action == .rotate {
            guard let delivery = rule.delivery, !delivery.isPerToken else { continue }
            let providers = rule.applicability(to: configuration.providers).providers.map(\.id)
            let served = try store.activeTokens(matching: rule.match, providers: providers, limit: 10)
            if served.count > 1 { collisions[rule.name] = served }
        }
        return collisions
    }

    /// What policy decides now about the live tokens of `providers` (all when nil), batch by batch:
    /// what a cycle acts on.
    /// `timeZone`: the host's, for rule windows.
    public func decisionSource(
        store: TokenStore, providers: Set<String>? = nil, now: Date, timeZone: TimeZone = .current
    ) throws -> DecisionSource {
        try DecisionSource(context: self, store: store, providers: providers, now: now, timeZone: timeZone)
    }

    /// Every decision `decisionSource` makes, at once: what `plan --all` shows.
    public func decisions(store: TokenStore, providers: Set<String>? = nil, now: Date, timeZone: TimeZone = .current) throws -> [Decision] {
        var decisions: [Decision] = []
        try decisionSource(store: store, providers: providers, now: now, timeZone: timeZone).forEachBatch(store: store) { decisions += $0 }
        return decisions
    }

    /// What `plan` prints about the whole inventory at `now`, listing up to `listing` tokens per rule.
    /// SQLite finds the winning rule of every token in one pass (`TokenStore.forEachFiring`), and only the
    /// listed tokens are decided in full; `agreed` is false when the engine decided one of those otherwise
    /// than the pass (a bug to report), in which case the outline comes from deciding every token.
    public func outline(
        store: TokenStore, listing: Int, now: Date, timeZone: TimeZone = .current, mapped: Bool = true
    ) throws -> (outline: PlanOutline, agreed: Bool) {
        let budget = ActionBudget(settings: configuration.daemon, providers: configuration.providers)
        let signers = try signers(store: store)
        let colliding = Set(try sharedDestinations(store: store).keys)
        let suspended = try store.suspensions(at: now)
        let paused = try store.pauses(at: now)
        let approvals = try store.openApprovals(at: now)
        // The counting pass sees no facts: it is given the tokens whose approval the engine finds
        // still speaks for them (few: the approved ones are decided here).
        let approved = PolicyEngine.evaluate(
            tokens: try store.tokens(references: approvals.values.filter { $0.state == .approved }.map(\.reference)), rules: policies.rules,
            providers: configuration.providers, protected: protected, signers: signers, colliding: colliding, suspended: suspended,
            paused: paused, approvals: approvals, now: now, timeZone: timeZone
        ).filter { $0.approval?.state == .approved }.map(\.token.reference)
        let closed = Set(policies.rules.filter { !ActionWindow.isOpen($0.windows, at: now, in: timeZone) }.map(\.name))
        let empty = DecisionTally(
            rules: policies.rules, providers: configuration.providers, protected: protected, signers: signers,
            colliding: colliding, suspended: Set(suspended.keys),
            paused: Set(configuration.providers.map(\.id).filter { Pause.holding($0, in: paused, at: now) != nil }), closedRules: closed,
            approved: Set(approved), budget: budget, listing: listing)
        let selections = PolicyEngine.selections(rules: policies.rules, providers: configuration.providers, now: now)
        // One slice of the table per core, each read on its own connection (1M tokens on 2 cores:
        // about 0.6 of the time of one pass); the tallies are merged.
        let slices = try store.slices(ProcessInfo.processInfo.activeProcessorCount)
        let results = Mutex<[Result<DecisionTally, any Error>]>([])
        DispatchQueue.concurrentPerform(iterations: slices.count) { index in
            var tally = empty
            let result = Result { () throws -> DecisionTally in
                try store.forEachFiring(selections, slice: slices[index], mapped: mapped) {
                    tally.add(provider: $0, rule: $1, name: $2, id: $3, owner: $4)
                }
                return tally
            }
            results.withLock { $0.append(result) }
        }
        var tally = empty
        for result in results.withLock({ $0 }) { tally.merge(try result.get()) }
        let listed = try store.tokens(keys: tally.listedKeys.map { ($0.provider, $0.id) })
        let decided = PolicyEngine.evaluate(
            tokens: listed, rules: policies.rules, providers: configuration.providers,
            protected: protected, signers: signers, colliding: colliding, suspended: suspended, paused: paused, approvals: approvals, now: now,
            timeZone: timeZone)
        if let outline = tally.outline(decided) { return (outline, true) }
        let every = try decisions(store: store, now: now, timeZone: timeZone)
        return (PlanOutline(decisions: every, budget: budget, listing: listing), false)
    }
}
