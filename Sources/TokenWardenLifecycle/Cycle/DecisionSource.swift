import Foundation
import TokenWardenCore
import TokenWardenStore

/// What policy decides about the live tokens of some providers at one moment, made batch by batch
/// as the store is read, so that a cycle over a million tokens never holds all their decisions. The
/// engine decides each token on its own: deciding a few of them again gives the same answers.
public struct DecisionSource: Sendable {
    let context: PolicyContext
    /// The providers decided on: those asked for that some rule runs on.
    let evaluated: Set<String>
    let signers: RotationSigners
    let colliding: Set<String>
    let suspended: [String: Suspension]
    let paused: [Pause]
    let approvals: [String: Approval]
    public let now: Date
    /// The host's time zone, for rule windows.
    let timeZone: TimeZone

    /// The tokens decided on: the live ones, read in the engine's provider, name, id order.
    public static let live = TokenQuery(states: [.active, .expired])

    /// The live tokens of the providers decided on (the one provider of a daemon cycle, by index);
    /// nil when no rule runs on any of them, and nothing need be read.
    public var query: TokenQuery? {
        guard !evaluated.isEmpty else { return nil }
        var query = Self.live
        if evaluated.count == 1 { query.provider = evaluated.first }
        return query
    }

    init(context: PolicyContext, store: TokenStore, providers: Set<String>?, now: Date, timeZone: TimeZone) throws {
        self.context = context
        var evaluated = context.ruleProviders
        if let providers { evaluated.formIntersection(providers) }
        self.evaluated = evaluated
        self.now = now
        self.timeZone = timeZone
        guard !evaluated.isEmpty else {
            (signers, colliding, suspended, paused, approvals) = (RotationSigners(providers: [], identities: [:]), [], [:], [], [:])
            return
        }
        signers = try context.signers(store: store)
        colliding = Set(try context.sharedDestinations(store: store).keys)
        suspended = try store.suspensions(at: now)
        paused = try store.pauses(at: now)
        approvals = try store.openApprovals(at: now)
    }

    /// The decisions about `tokens`; tokens of providers not decided on get none.
    public func decide(_ tokens: [Token]) -> [Decision] {
        let decided = tokens.filter { evaluated.contains($0.provider) }
        guard !decided.isEmpty else { return [] }
        return PolicyEngine.evaluate(
            tokens: decided, rules: context.policies.rules, providers: context.configuration.providers, protected: context.protected,
            signers: signers, colliding: colliding, suspended: suspended, paused: paused, approvals: approvals, now: now,
            timeZone: timeZone)
    }

    /// Every decision, a batch of tokens at a time.
    public func forEachBatch(store: TokenStore, _ body: ([Decision]) throws -> Void) throws {
        guard let query else { return }
        try store.forEachBatch(matching: query, at: now) { try body(decide($0)) }
    }

    /// The decisions about the tokens named by `references` (`provider/id`), in the engine's order.
    public func decisions(about references: some Sequence<String>, store: TokenStore) throws -> [Decision] {
        let tokens = try store.tokens(references: references).filter { Self.live.states.contains($0.state) }
        return decide(tokens.sorted { ($0.provider, $0.name, $0.id) < ($1.provider, $1.name, $1.id) })
    }
}
