import ArgumentParser
import Foundation
import TokenWardenCore
import TokenWardenLifecycle
import TokenWardenStore

/// `tokenwarden plan`: what policy decides about the inventory now, grouped by rule.
struct Plan: ConfiguredCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what policy decides about the stored inventory now.",
        discussion: """
            Evaluates every policy rule against the inventory the daemon keeps (with --refresh, after \
            polling every provider first) and prints, per rule, which tokens it would notify about, \
            revoke or rotate, and why. When several rules match a token the strongest action wins \
            (revoke > rotate > notify). Rules never revoke or rotate tokenwarden's own credentials \
            (`rotate_own_credential` replaces them, listed at the end); \
            providers without a revoke API need a person. Nothing is written to any provider.

            Examples:
              tokenwarden plan
              tokenwarden plan --refresh --json
            """
    )

    @OptionGroup var options: ConfigOptions

    @OptionGroup var time: TimeOptions

    @Flag(help: "Poll every provider first (as `tokenwarden sync` does).")
    var refresh = false

    @Flag(help: "Print a JSON array (provider, id, name, action, rule, matched_rules, reason, hold).")
    var json = false

    @Flag(help: "List every token under each rule (by default the first \(Plan.listedPerRule); the counts are always whole).")
    var all = false

    /// Tokens listed under a rule unless `--all`: a plan over a large inventory is read by a person.
    static let listedPerRule = 25

    /// Rotations whose old and new tokens both live until the successor is seen in use, one line
    /// each; nil when there are none.
    static func switchOvers(_ store: TokenStore) -> String? {
        let waiting = ((try? store.unfinishedRotations()) ?? []).filter(\.awaitsSwitchOver)
        guard !waiting.isEmpty else { return nil }
        let lines = waiting.map { record in
            "  \(record.reference) → \(record.newTokenID ?? "?"): "
                + (record.stalledAt != nil ? "STALLED, the new token unused past its deadline" : "both live until the new token is used")
        }
        return (["awaiting switch-over (`tokenwarden rotate --finish TOKEN` ends one by hand):"] + lines).joined(separator: "\n")
    }

    func run(_ context: CommandContext) async throws {
        let (configuration, policies) = try context.configurationWithPolicies()
        if refresh {
            let lock = try await context.exclusiveCycle(configuration)
            defer { withExtendedLifetime(lock) {} }
            let (report, failed) = try await Sync.poll(configuration, http: context.http(for: configuration))
            FileHandle.standardError.write(Data((report + "\n\n").utf8))
            if failed { StandardError.warning("some providers failed to poll; planning on what the inventory has for them") }
        }
        do {
            let store = try configuration.openInventory()
            let policy = PolicyContext(configuration: configuration, policies: policies)
            for provider in policy.unknownOwnTokens {
                StandardError.warning("the credential of \(provider) cannot be read, so its own token is not known and not protected in this plan")
            }
            let budget = ActionBudget(settings: configuration.daemon, providers: configuration.providers)
            if json || all {
                let decisions = try policy.decisions(store: store, now: Date())
                if json { return try JSONOutput.print(decisions.map(DecisionJSON.init)) }
                return print(
                    Self.render(
                        PlanOutline(decisions: decisions, budget: budget, listing: nil), rules: policies.rules,
                        enforce: configuration.daemon.enforce, budget: budget, time: time.human))
            }
            // Counted in one SQL pass; only the listed tokens are decided one by one (1M tokens, 20 rules:
            // 8.7 s and 860 MB deciding every token; about 0.65 s and 35 MB this way on 2 cores).
            let (outline, agreed) = try policy.outline(store: store, listing: Self.listedPerRule, now: Date())
            if !agreed {
                StandardError.warning(
                    "the counting pass and the policy engine disagreed about a listed token, so every token was decided one by one; please "
                        + "report this as a bug"
                )
            }
            for pause in try store.pauses(at: Date()) {
                print("PAUSED: writes to \(pause.scope) \(pause.description); what it holds is marked below\n".terminalSafe)
            }
            print(Self.render(outline, rules: policies.rules, enforce: configuration.daemon.enforce, budget: budget, time: time.human))
            if let waiting = Self.switchOvers(store) { print("\n" + waiting) }
            let own = try policy.ownCredentialRotations(store: store, now: Date())
            let idle = try Self.idleOwnCredentialKeys(configuration, context: policy, store: store, rotations: own)
            if let lines = Self.ownCredentialLines(own, idle: idle, now: Date(), time: time.human) {
                print("\n" + lines.split(separator: "\n").map { String($0).terminalSafe }.joined(separator: "\n"))
            }
        }
    }

    /// The plan as text: per rule its count and its listed tokens.
    static func render(_ outline: PlanOutline, rules: [Rule], enforce: Bool, budget: ActionBudget, time: HumanTime = .utc) -> String {
        guard !rules.isEmpty else { return "no policy rules: nothing to decide (policies go in policy_directory as *.toml)" }
        var lines: [String] = []
        for rule in rules {
            let count = outline.counts[rule.name] ?? 0
            let listed = outline.listed[rule.name] ?? []
            lines.append("\(rule.name) (\(rule.action.rawValue)): \(count == 0 ? "no tokens" : count == 1 ? "1 token" : "\(count) tokens")")
            for entry in listed {
                let decision = entry.decision
                var line = "  \(decision.token.reference)  \"\(decision.token.name)\"  \(decision.reason)"
                switch decision.hold {
                case .ownCredential?: line += "  [held: tokenwarden's own credential]"
                case .needsPerson?: line += "  [a person must \(decision.action.rawValue) it: the provider has no API for it]"
                case .sharedDestination?:
                    line +=
                        "  [needs a person: rule \(decision.rule) delivers every token it selects to one destination, and it selects "
                        + "several; narrow it]"
                case .ownerCredentialMissing?:
                    let owner = decision.token.owner ?? decision.token.ownerID ?? "?"
                    line +=
                        "  [needs a person: tokenwarden holds no credential of its owner \"\(owner)\"; a new token would be someone else's. "
                        + "Add [[provider.owner]] name = \"\(owner)\" credential = \"…\" to provider \(decision.token.provider)]"
                case .snoozed?, .exempt?:
                    line += "  [held: \(decision.suspension?.description ?? "snoozed"); `tokenwarden unsnooze \(decision.token.reference)` ends it]"
                case .paused?:
                    line += "  [held: writes are \(decision.pause?.description ?? "paused"); `tokenwarden resume --reason TEXT` ends it]"
                case .awaitingApproval?:
                    line += "  [waits for approval: `tokenwarden approve \(decision.token.reference) --reason TEXT`]"
                case .denied?:
                    let who = decision.approval?.decidedBy.map { " by \($0)" } ?? ""
                    line += "  [denied\(who): \(decision.approval?.decisionReason ?? "")]"
                case .outsideWindow?:
                    let opens = decision.windowOpens.map { ", it opens \(time.instant($0))" } ?? ""
                    line += "  [held: outside the rule's window\(opens)]"
                case nil: break
                }
                if enforce, let limit = entry.heldBack { line += "  [held back next cycle: beyond \(limit)]" }
                if decision.matchedRules.count > 1 {
                    line += "  (also matched: \(decision.matchedRules.filter { $0 != rule.name }.joined(separator: ", ")))"
                }
                lines.append(line)
            }
            if count > listed.count {
                lines.append("  … and \(count - listed.count) more (--all lists them, --json prints every decision)")
            }
        }
        lines.append("")
        let suspended = outline.listed.values.joined().filter { $0.decision.suspension != nil }.count
        if suspended > 0 {
            lines.append(
                "\(suspended) of the listed decisions \(suspended == 1 ? "is" : "are") held by a snooze or exemption (marked above): "
                    + "nothing is sent, revoked or rotated for \(suspended == 1 ? "it" : "them").")
        }
        if outline.rotationsForAPerson > 0 {
            let one = outline.rotationsForAPerson == 1
            lines.append(
                "\(outline.rotationsForAPerson) rotation\(one ? " needs" : "s need") a person (marked above): "
                    + "tokenwarden will not make a token that is not its owner's, nor deliver two tokens to one destination.")
        }
        let writes = outline.writes
        let carriedOut = outline.carriedOut
        lines.append(
            enforce
                ? "Enforcing (enforce = true): the next cycle carries out \(carriedOut) of \(writes) revokes and rotations "
                    + "(max_actions_per_cycle = \(budget.total)\(carriedOut == writes ? "" : "; the rest in later cycles")); "
                    + "notifications are reported once per crossing."
                : "Report-only (enforce = false): these are reported; nothing is written to any provider.")
        return lines.map(\.terminalSafe).joined(separator: "\n")
    }
}
