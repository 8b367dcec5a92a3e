import ArgumentParser
import Foundation
import TokenWardenConfig
import TokenWardenCore
import TokenWardenLifecycle
import TokenWardenProviders
import TokenWardenStore

/// `tokenwarden validate`: checks the config, credentials and every policy file, reporting all problems.
struct Validate: ConfiguredCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the config file, provider credentials and all policy files.",
        discussion: """
            Reads the main config file, checks that each provider's credential file exists and is \
            readable only by its owner (mode 0600 or 0400), then reads every *.toml in the policy \
            directory in name order. From a shell, a bare credential name is the file the installed \
            unit's LoadCredential= names (`systemctl cat tokenwarden`); those files are root's, so run \
            it with sudo. Every problem is printed, each with its file, line, rule and key, \
            and a suggestion for misspelt words. Exit 0 when valid, 2 when not.

            Plain validate never calls a provider, so policy CI can run it anywhere. --online also \
            tries each credential for real, reading only (exit 1 when one fails).

            Run it after every edit, before `systemctl reload tokenwarden`:
              tokenwarden validate --config /etc/tokenwarden/tokenwarden.toml
              sudo tokenwarden validate --online
            """
    )

    @OptionGroup var options: ConfigOptions

    @Flag(help: "Print the verdict, every problem and the setup as one JSON object (docs/json.md); exit codes as without it.")
    var json = false

    @Flag(
        help: """
            Also try each provider's credentials for real, reading only: whom each signs in as, and the first page of the \
            token listing (exit 1 when one fails). Without it, validate never calls a provider (for policy CI).
            """)
    var online = false

    func run(_ context: CommandContext) async throws {
        // As every other command: credentials through the unit's LoadCredential=, root as the state directory's owner.
        if let (configuration, _) = try? Configuration.forReading(path: context.configPath, environment: context.environment) {
            try CommandPrivileges.prepare(configuration, environment: context.environment)
        }
        let report = ConfigurationLoader(environment: context.environment).read(path: context.configPath)
        if json {
            var report = report
            var warnings: [String] = []
            var checks: [OnlineCheck.Result]?
            if report.isValid, let configuration = report.configuration {
                do { _ = try Self.templates(of: configuration) } catch let error as ConfigError { report.problems += error.problems }
                warnings = await Self.unreachableWebhooks(of: configuration, http: context.http(for: configuration))
                if online, report.isValid { checks = await OnlineCheck.run(configuration, http: context.http(for: configuration)) }
            }
            let output = ValidationJSON(report: report, path: context.configPath, warnings: warnings, online: checks)
            try JSONOutput.print(output)
            if !report.isValid { throw ExitCode(2) }
            if checks?.contains(where: { !$0.succeeded }) == true { throw ExitCode.failure }
            return
        }
        guard report.isValid, let configuration = report.configuration else { throw ConfigError(problems: report.problems) }
        let templates = try Self.templates(of: configuration)
        for warning in await Self.unreachableWebhooks(of: configuration, http: context.http(for: configuration)) {
            StandardError.warning(warning)
        }
        print(
            Self.summary(of: report, configuration: configuration, templates: templates).split(separator: "\n", omittingEmptySubsequences: false)
                .map { String($0).terminalSafe }.joined(separator: "\n"))
        guard online else { return }
        let checks = await OnlineCheck.run(configuration, http: context.http(for: configuration))
        print("  online:    each credential tried, reading only")
        for check in checks { print("    \(check.sentence)".terminalSafe) }
        if checks.contains(where: { !$0.succeeded }) { throw ExitCode.failure }
    }

    static func summary(of report: ValidationReport, configuration: Configuration, templates: NotificationTemplates? = nil) -> String {
        let daemon = configuration.daemon
        var lines = ["\(configuration.sourcePath): valid"]
        let mode = daemon.enforce ? "ENFORCING (enforce = true)" : "report-only (enforce = false)"
        lines.append("  mode:      \(mode), at most \(daemon.maxActionsPerCycle) actions per cycle")
        lines.append("  database:  \(configuration.databasePath)")
        lines.append("  providers: \(configuration.providers.count)")
        var providers = TextTable("", "ID", "KIND", "POLL", "BASE URL", "CREDENTIAL")
        for provider in configuration.providers {
            let credential =
                report.credentials.first { $0.provider == provider.id && $0.owner == nil }
                .map { "\($0.path) (mode \(String(format: "%04o", $0.mode)))" } ?? "-"
            providers.append([
                "   ", provider.id, provider.kind.rawValue, (provider.pollInterval ?? daemon.pollInterval).description,
                provider.baseURL, credential,
            ])
        }
        lines.append(providers.render())
        lines += ownCredentials(of: configuration, loader: CredentialLoader())
        lines += signers(of: configuration, report: report)
        lines += rehearsals(of: configuration, rules: report.policies?.rules ?? [])
        lines += notifiers(of: configuration)
        if !configuration.notifiers.isEmpty, let templates {
            lines.append(
                "  templates: " + NotificationTemplates.kinds.map { "\($0) (\(templates.sources[$0] ?? "built-in"))" }.joined(separator: ", "))
        }
        guard let policies = report.policies else { return lines.joined(separator: "\n") }
        if policies.files.isEmpty {
            let exists = FileManager.default.fileExists(atPath: policies.directory)
            lines.append("  policies:  none (\(policies.directory) \(exists ? "has no *.toml files" : "does not exist")): inventory only")
            return lines.joined(separator: "\n")
        }
        lines.append(
            "  policies:  \(Self.count(policies.rules.count, "rule")) from \(Self.count(policies.files.count, "file")) in \(policies.directory)")
        for rule in policies.rules {
            let applicability = rule.applicability(to: configuration.providers)
            let on = applicability.providers.isEmpty ? "no provider" : applicability.providers.map(\.id).joined(separator: ", ")
            let when = rule.triggers.map { trigger in
                guard case .expiresWithin = trigger, rule.leadTimes.count > 1 else { return trigger.description }
                return "expires within " + rule.leadTimes.map(\.description).joined(separator: ", ") + " (a notice at each)"
            }
            let to = rule.notifyTo.isEmpty ? "" : " to " + rule.notifyTo.joined(separator: ", ")
            let escalate = rule.escalateTo.isEmpty ? "" : ", escalating to " + rule.escalateTo.joined(separator: ", ")
            let window = rule.windows.isEmpty ? "" : "; only \(rule.windows.map(\.description).joined(separator: ", ")) (host time)"
            let approve = rule.approve ? "; each write waits for `tokenwarden approve` (asked for \(rule.approvalExpires))" : ""
            lines.append(
                "    \(rule.name): \(rule.action.rawValue)\(to)\(escalate) when \(when.joined(separator: " and ")); on \(on)\(window)\(approve)")
            for (provider, missing) in applicability.skipped {
                lines.append("      skips \(provider.id): \(provider.kind.displayName) has no \(missing.names.joined(separator: " or "))")
            }
        }
        if let store = try? configuration.openInventory(),
            let (outline, _) = try? PolicyContext(configuration: configuration, policies: policies).outline(store: store, listing: 0, now: Date()),
            outline.rotationsForAPerson > 0
        {
            lines.append(
                "  warning: \(count(outline.rotationsForAPerson, "rotation")) in the inventory "
                    + "\(outline.rotationsForAPerson == 1 ? "needs" : "need") a person: the owner's credential is missing, "
                    + "or one destination serves several tokens; `tokenwarden plan` says which and what to add")
        }
        return lines.joined(separator: "\n")
    }

    /// The notifiers, where each one sends, and which get admin alerts.
    /// The notification templates, each rendered once against sample data; a template that does not
    /// parse is a problem with its file, line and column.
    static func templates(of configuration: Configuration) throws -> NotificationTemplates {
        do {
            let templates = try NotificationTemplates.load(directory: configuration.templateDirectory)
            for kind in NotificationTemplates.kinds where templates.render(NotificationTemplates.sample(kind: kind)).isEmpty {
                StandardError.warning("\(templates.sources[kind] ?? kind) renders an empty message from the sample data")
            }
            return templates
        } catch {
            throw ConfigError(problems: [
                ConfigProblem(
                    file: error.file, line: error.line, column: error.column, subject: "notification template",
                    message: error.problem + " (tokenwarden would send with the built-in template until it is fixed)")
            ])
        }
    }

    /// A warning per webhook that does not answer now: not an error, since a receiver may be down
    /// for a while (the outbox keeps its messages), but worth knowing before the first expiry.
    static func unreachableWebhooks(of configuration: Configuration, http: ProviderHTTPClient) async -> [String] {
        var warnings: [String] = []
        for notifier in configuration.notifiers {
            guard case .webhook(let url, _, _) = notifier.channel, let why = await http.probe(url) else { continue }
            warnings.append(
                "\(configuration.sourcePath): notifier \"\(notifier.id)\" url: \(why); its messages will wait in the outbox until it answers")
        }
        return warnings
    }

    static func notifiers(of configuration: Configuration) -> [String] {
        guard !configuration.notifiers.isEmpty else { return ["  notifiers: none (notify rules write journal entries only)"] }
        var lines = [
            "  notifiers: \(configuration.notifiers.count)"
                + (configuration.daemon.alertTo.isEmpty ? "" : "; admin alerts to \(configuration.daemon.alertTo.joined(separator: ", "))")
        ]
        for notifier in configuration.notifiers {
            let target: String =
                switch notifier.channel {
                case .webhook(let url, let format, let secret):
                    "POST \(url) (\(format.rawValue)\(secret == nil ? ", unsigned" : ", signed")"
                        + (notifier.authorization.map { ", a credential in \($0.header)" } ?? "") + ")"
                case .mail(let to, _, let sendmail): "mail to \(to.joined(separator: ", ")) through \(sendmail)"
                case .command(let argv): "runs \(argv.joined(separator: " ")) (as tokenwarden, the payload on stdin)"
                }
            lines.append("    \(notifier.id): \(target)")
        }
        return lines + owners(of: configuration)
    }

    /// Where `notify.to = ["owner"]` sends, and which addresses from provider data would get mail:
    /// read from the inventory, so an admin sees before the first notice who it reaches.
    static func owners(of configuration: Configuration) -> [String] {
        let map = configuration.owners
        guard let fallback = map.fallback else { return [] }
        var lines = ["  owners:    \(count(map.entries.count, "[[owner]] entry", plural: "[[owner]] entries")), then the fallback \(fallback)"]
        // A sample is enough to show whom it reaches; a million-token inventory is not read whole for it.
        let tokens = (try? configuration.openInventory().tokensWithOwnerAddress(limit: 10_000)) ?? []
        let addresses = Set(
            tokens.compactMap { token -> String? in
                if case .providerAddress(let address)? = map.resolve(token) { return address }
                return nil
            })
        guard map.providerAddresses else {
            var withAddress = map
            withAddress.providerAddresses = true
            let unused = tokens.filter { if case .providerAddress? = withAddress.resolve($0) { true } else { false } }.count
            lines.append(
                "    provider addresses: off (provider_addresses = false): owners are never mailed at an address from provider data"
                    + (unused > 0
                        ? "; \(count(unused, "token")) in the inventory \(unused == 1 ? "carries" : "carry") one: their notices go to the fallback"
                        : ""))
            return lines
        }
        let shown = addresses.sorted().prefix(10).joined(separator: ", ")
        lines.append(
            "    provider addresses: ON (provider_addresses = true): owners without an [[owner]] entry are mailed at the address "
                + "their provider's data gives"
                + (addresses.isEmpty
                    ? "; none in the inventory yet"
                    : "; from the inventory: \(shown)\(addresses.count > 10 ? " and \(addresses.count - 10) more" : "")"))
        return lines
    }

    /// Whom each provider's credentials sign in as: a provider creates tokens only for whoever signs
    /// in, so these are the only owners whose tokens can be rotated. Read from the inventory, which
    /// every poll updates; nothing is asked of the providers here.
    static func signers(of configuration: Configuration, report: ValidationReport) -> [String] {
        let rotating = configuration.providers.filter { $0.kind.capabilities.contains(.create) }
        guard !rotating.isEmpty else { return [] }
        let store = try? configuration.openInventory()
        let learned = (try? store?.identities(ownTokens: PolicyContext.ownTokenIDs(of: configuration).ids)) ?? nil
        var lines = ["  signs in as (a provider creates tokens only for whoever signs in; only these owners' tokens can be rotated):"]
        for provider in rotating {
            var line = "    \(provider.id): "
            if provider.kind.listsOnlyOwnTokens {
                line += "the owner of every token it lists (it lists only its own)"
            } else if let identity = learned?[provider.id] {
                line += "\(identity), as the provider said"
            } else if let identity = provider.identity {
                line += "\(identity), as identity = says"
            } else {
                line +=
                    "not known yet (`tokenwarden sync` learns "
                    + "it\(provider.kind == .cryptlex ? "; Cryptlex cannot say: set identity = or self_token_id" : ""))"
            }
            let owners = provider.owners.map { owner in
                let file = report.credentials.first { $0.provider == provider.id && $0.owner == owner.name }
                return file.map { "\(owner.name) (\($0.path), mode \(String(format: "%04o", $0.mode)))" } ?? owner.name
            }
            if !owners.isEmpty { line += "; owner credentials: " + owners.joined(separator: ", ") }
            lines.append(line)
        }
        return lines
    }

    /// The last rehearsal of each provider that can create tokens, and a warning (not an error: a
    /// rehearsal needs the network, `validate` does not) for each provider a rotate rule enforces on
    /// without a passed rehearsal.
    static func rehearsals(of configuration: Configuration, rules: [Rule]) -> [String] {
        let creating = configuration.providers.filter { $0.kind.capabilities.contains(.create) }
        guard !creating.isEmpty else { return [] }
        let last = (try? configuration.openInventory().lastRehearsals()) ?? [:]
        var lines = ["  rehearsals (`tokenwarden rehearse PROVIDER`):"]
        var unproven: [String] = []
        let rotated = Set(rules.filter { $0.action == .rotate }.flatMap { $0.applicability(to: configuration.providers).providers.map(\.id) })
        for provider in creating {
            let records = last[provider.id] ?? []
            let text = records.isEmpty ? "never run" : records.map { ($0.owner.map { "as \($0): " } ?? "") + $0.verdict }.joined(separator: "; ")
            lines.append("    \(provider.id): \(text)")
            let main = records.first { $0.owner == nil }
            if rotated.contains(provider.id), main?.passed != true { unproven.append(provider.id) }
        }
        if configuration.daemon.enforce {
            for provider in unproven {
                lines.append(
                    "  warning: enforce = true and a rotate rule acts on \(provider), whose last rehearsal "
                        + "\(last[provider] == nil ? "never ran" : "did not pass"): "
                        + "run `tokenwarden rehearse \(provider)` before it rotates a real token"
                )
            }
        }
        return lines
    }

    static func count(_ n: Int, _ noun: String, plural: String? = nil) -> String { "\(n) \(n == 1 ? noun : plural ?? noun + "s")" }
}
