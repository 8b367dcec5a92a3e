import ArgumentParser
import Foundation
import TokenWardenConfig
import TokenWardenCore
import TokenWardenLifecycle
import TokenWardenStore

/// `tokenwarden tokens`: the inventory, filtered, as a table or JSON.
struct Tokens: ConfiguredCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "List tokens in the inventory.",
        discussion: """
            Reads the inventory the daemon keeps (it never calls a provider). Gone tokens are left out \
            unless asked for with --state gone. Filters combine: all must hold.

            Examples:
              tokenwarden tokens --expiring 14d     expiring in 14 days, soonest first
              tokenwarden tokens --stale 90d        unused for 90 days (where known)
              tokenwarden tokens --provider awx-main --json

            JSON fields: provider, id, name, owner, scopes, created_at, expires_at, last_used_at, \
            state, first_seen_at, last_seen_at, held (a snooze or exemption, null when none), \
            base_name, successor_of, own_credential; instants are RFC 3339 UTC with milliseconds, \
            null when unknown (docs/json.md). Expiry dates centuries away (AWX's "never") print as \
            "never"; --local-time prints the host's time zone.
            """
    )

    @OptionGroup var options: ConfigOptions
    @OptionGroup var time: TimeOptions

    @Option(help: ArgumentHelp("Only tokens of this configured provider id.", valueName: "id"))
    var provider: String?

    @Option(
        help: ArgumentHelp("Only tokens that expire within this span and have not expired yet (e.g. 14d).", valueName: "duration"),
        transform: Arguments.timeSpan)
    var expiring: TimeSpan?

    @Option(
        help: ArgumentHelp(
            "Only tokens unused for at least this span; never-used tokens count from creation. Needs a provider that reports last use.",
            valueName: "duration"),
        transform: Arguments.timeSpan)
    var stale: TimeSpan?

    @Option(
        name: .customLong("state"),
        help: ArgumentHelp("Only tokens in this state: active, revoked, expired or gone. Repeatable. Default: all but gone.", valueName: "state"),
        transform: Arguments.state)
    var states: [TokenState] = []

    @Flag(help: "Print a JSON array instead of a table.")
    var json = false

    func run(_ context: CommandContext) throws {
        do {
            // Credentials are read (as `status` does) to know SailPoint's own PAT among the tokens.
            let (configuration, problems) = try context.configurationForReading(credentials: true)
            if !problems.isEmpty { StandardError.warning("\(configuration.sourcePath) has \(problems.count) problems; run `tokenwarden validate`") }
            let store = try configuration.openInventory()
            let now = Date()
            if let provider, configuration.provider(id: provider) == nil {
                let known = configuration.providers.map(\.id)
                // A provider taken out of the config may still have tokens in the inventory: those are shown.
                guard try !store.tokens(matching: TokenQuery(provider: provider, states: Set(TokenState.allCases)), at: now).isEmpty else {
                    let hint = NearestWord.suggestion(for: provider, among: known).map { "; did you mean \"\($0)\"?" } ?? ""
                    throw ValidationError(
                        "--provider \"\(provider)\" is not in \(configuration.sourcePath) (configured: \(known.joined(separator: ", ")))\(hint)")
                }
                StandardError.warning(
                    "no provider \"\(provider)\" in \(configuration.sourcePath) (configured: \(known.joined(separator: ", "))); showing what "
                        + "the inventory has for it")
            }
            try checkStale(configuration)
            let query = TokenQuery(
                provider: provider, states: states.isEmpty ? TokenQuery.defaultStates : Set(states),
                expiringWithin: expiring, unusedFor: stale)
            let tokens = try store.tokens(matching: query, at: now)
            let suspended = try store.suspensions(at: now)
            let own = PolicyContext.ownTokens(of: configuration, environment: context.environment)
            if json {
                try JSONOutput.print(
                    tokens.map { TokenJSON(token: $0, suspension: suspended[$0.reference], ownCredential: own.contains($0.reference)) })
                return
            }
            guard !tokens.isEmpty else {
                print("no tokens match")
                return
            }
            var table = TextTable("PROVIDER", "ID", "NAME", "STATE", "EXPIRES", "LAST USED", "OWNER")
            for token in tokens {
                table.append([
                    token.provider, token.id, token.name + (own.contains(token.reference) ? " (tokenwarden's own)" : ""),
                    token.state.rawValue + Self.held(suspended[token.reference]),
                    time.human.day(token.expiresAt, relativeTo: now), time.human.day(token.lastUsedAt, relativeTo: now),
                    token.owner ?? "-",
                ])
            }
            print(table.render())
            print("\(tokens.count) token\(tokens.count == 1 ? "" : "s")")
            if let provider, let config = configuration.provider(id: provider) {
                let identity = try? store.identities()[provider]
                if let note = Self.ownCredentialNote(config, own: own, tokens: tokens, identity: identity) { print(note.terminalSafe) }
            }
        }
    }

    /// `--stale` needs last-use data: refused for a named provider that has none (exit 2), and a
    /// warning naming the providers whose tokens it cannot select otherwise.
    func checkStale(_ configuration: Configuration) throws {
        guard stale != nil else { return }
        let inScope = configuration.providers.filter { provider == nil || $0.id == provider }
        let blind = inScope.filter { !$0.kind.capabilities.contains(.lastUsed) }
        guard !blind.isEmpty else { return }
        let names = blind.map { "\($0.id) (\($0.kind.displayName))" }.joined(separator: ", ")
        if provider != nil {
            throw ValidationError("--stale cannot select tokens of \(names): the provider does not report when a token was last used")
        }
        StandardError.warning("--stale leaves out every token of \(names): those providers do not report when a token was last used")
    }

    /// " (snoozed to 2026-12-24)", " (exempt)" or nothing.
    static func held(_ suspension: Suspension?) -> String {
        guard let suspension else { return "" }
        return suspension.kind == .exempt ? " (exempt)" : " (snoozed to \(suspension.until.map(ProviderTimestamp.formatDay) ?? "?"))"
    }
}
