import ArgumentParser
import Foundation
import TokenWardenCore
import TokenWardenDaemon
import TokenWardenStore

/// `tokenwarden plan`: what policy decides about the inventory now, grouped by rule.
struct Plan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what policy decides about the stored inventory now.",
        discussion: """
            Evaluates every policy rule against the inventory the daemon keeps (with --refresh, after \
            polling every provider first) and prints, per rule, which tokens it would notify about, \
            revoke or rotate, and why. When several rules match a token the strongest action wins \
            (revoke > rotate > notify). tokenwarden's own credentials are never revoked or rotated; \
            providers without a revoke API need a person. Nothing is written to any provider.

            Examples:
              tokenwarden plan
              tokenwarden plan --refresh --json
            """
    )

    @OptionGroup var options: ConfigOptions

    @Flag(help: "Poll every provider first (as `tokenwarden sync` does).")
    var refresh = false

    @Flag(help: "Print a JSON array (provider, id, name, action, rule, matched_rules, reason, hold).")
    var json = false

    @Flag(help: "List every token under each rule (by default the first \(Plan.listedPerRule); the counts are always whole).")
    var all = false

    /// Tokens listed under a rule unless `--all`: a plan over a large inventory is read by a person.
    static let listedPerRule = 25

    func run() async throws {
        let (configuration, policies) = try ConfigLoaderFacade.loadWithPolicies(options.config)
        if refresh {
            let (report, failed) = try await Sync.poll(configuration)
            FileHandle.standardError.write(Data((report + "\n\n").utf8))
            if failed { Terminal.warning("some providers failed to poll; planning on what the inventory has for them") }
        }
        try Terminal.reportingFailures {
            let store = try Runtime.inventory(for: configuration)
            let own = Runtime.ownTokens(of: configuration)
            for provider in own.unknown {
                Terminal.warning("the credential of \(provider) cannot be read, so its own token is not known and not protected in this plan")
            }
            let decisions = try Runtime.decisions(store: store, configuration: configuration, policies: policies, now: Date())
            if json {
                try JSONOutput.print(decisions.map(DecisionJSON.init))
                return
            }
            print(Self.render(decisions, rules: policies.rules, enforce: configuration.daemon.enforce,
                              budget: ActionBudget(settings: configuration.daemon, providers: configuration.providers),
                              listing: all ? nil : Self.listedPerRule))
        }
    }

    /// The plan as text: per rule its count and, up to `listing` (all when nil), its tokens.
    static func render(_ decisions: [Decision], rules: [Rule], enforce: Bool, budget: ActionBudget, listing: Int? = nil) -> String {
        guard !rules.isEmpty else { return "no policy rules: nothing to decide (policies go in policy_directory as *.toml)" }
        // The writes the next cycle would hold back, as `sync` and the daemon split them.
        let writes = decisions.filter { $0.action != .notify && $0.hold == nil }
        let beyond = Dictionary(budget.split(writes).beyond.map { ($0.decision.token.reference, $0.limit) }, uniquingKeysWith: { first, _ in first })
        let byRule = Dictionary(grouping: decisions, by: \.rule)
        var lines: [String] = []
        for rule in rules {
            let mine = byRule[rule.name] ?? []
            lines.append("\(rule.name) (\(rule.action.rawValue)): \(mine.isEmpty ? "no tokens" : mine.count == 1 ? "1 token" : "\(mine.count) tokens")")
            for decision in mine.prefix(listing ?? mine.count) {
                var line = "  \(decision.token.reference)  \"\(decision.token.name)\"  \(decision.reason)"
                switch decision.hold {
                case .ownCredential?: line += "  [held: tokenwarden's own credential]"
                case .needsPerson?: line += "  [a person must \(decision.action.rawValue) it: the provider has no API for it]"
                case nil: break
                }
                if enforce, let limit = beyond[decision.token.reference] { line += "  [held back next cycle: beyond \(limit)]" }
                if decision.matchedRules.count > 1 { line += "  (also matched: \(decision.matchedRules.filter { $0 != rule.name }.joined(separator: ", ")))" }
                lines.append(line)
            }
            if let listing, mine.count > listing {
                lines.append("  … and \(mine.count - listing) more (--all lists them, --json prints every decision)")
            }
        }
        lines.append("")
        lines.append(enforce ? "Enforcing (enforce = true): the next cycle carries out \(writes.count - beyond.count) of \(writes.count) revokes and rotations (max_actions_per_cycle = \(budget.total)\(beyond.isEmpty ? "" : "; the rest in later cycles")); notifications are reported once per crossing."
                             : "Report-only (enforce = false): these are reported; nothing is written to any provider.")
        return lines.joined(separator: "\n")
    }
}
