import Foundation
import TokenWardenCore

/// Reads every `*.toml` in the policy directory, in name order, into one validated `PolicySet`.
/// Rules are checked against the configured providers, so a rule that could never fire is an error.
public struct PolicyLoader: Sendable {
    static let ruleKeys = ["name", "match", "when", "action", "deliver", "overlap", "revoke_old", "switch_over_deadline", "notify"]
    static let matchKeys = ["provider", "name", "owner", "scope"]
    static let whenKeys = ["expires_within", "expired", "unused_for", "age_over"]
    static let deliverKeys = ["file", "command", "owner", "mode", "timeout"]

    /// The ids of the configured `[[notifier]]`s, which `notify.to` may name.
    let notifiers: [String]
    /// Whether `[owners] fallback` is configured, which `notify.to = ["owner"]` needs.
    let ownersConfigured: Bool

    public init(notifiers: [String] = [], ownersConfigured: Bool = false) {
        self.notifiers = notifiers
        self.ownersConfigured = ownersConfigured
    }

    /// Ids of `[[provider]]` tables the main config declared but refused (an unknown kind, say):
    /// rules naming them get no follow-on error.
    public var rejectedProviders: Set<String> = []

    /// The loader for a configuration's notifiers and owner map.
    public init(for configuration: Configuration) {
        self.init(notifiers: configuration.notifiers.map(\.id), ownersConfigured: configuration.owners.fallback != nil)
    }

    /// The validated policy set, or every problem found in every file.
    public func load(directory: String, providers: [ProviderConfig]) throws(ConfigError) -> PolicySet {
        let (policies, problems) = read(directory: directory, providers: providers)
        guard problems.isEmpty else { throw ConfigError(problems: problems) }
        return policies
    }

    /// Best effort: the rules that are valid, and every problem. A missing directory means no rules.
    public func read(directory: String, providers: [ProviderConfig]) -> (policies: PolicySet, problems: [ConfigProblem]) {
        var policies = PolicySet(directory: directory, files: [], rules: [])
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            if !FileManager.default.fileExists(atPath: directory) { return (policies, []) }
            return (
                policies, [ConfigProblem(file: directory, message: "cannot list the policy directory: \((error as NSError).localizedDescription)")]
            )
        }
        let sink = ProblemSink()
        // An unsafe directory's files are not read (anyone could have put them there), but each
        // one's own access is still checked: every permission problem is reported in one run.
        let unsafeDirectory = WriteAccess.problem(directory)
        if let unsafeDirectory { sink.add(ConfigProblem(file: directory, message: unsafeDirectory)) }
        var ruleFiles: [String: String] = [:]
        // Byte order, so "10-x" runs before "20-y" whatever the locale; dot-files are editor leftovers.
        for name in entries.filter({ $0.hasSuffix(".toml") && !$0.hasPrefix(".") }).sorted(by: {
            Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8))
        }) {
            let path = directory + "/" + name
            policies.files.append(path)
            if let problem = WriteAccess.problem(path) {
                sink.add(ConfigProblem(file: path, message: problem))
                continue
            }
            if unsafeDirectory != nil { continue }
            switch TOMLDocument.load(path: path) {
            case .failure(let problem): sink.add(problem)
            case .success(let document):
                policies.rules += readRules(document, providers: providers, sink: sink, seenNames: &ruleFiles)
            }
        }
        if unsafeDirectory != nil { return (PolicySet(directory: directory, files: [], rules: []), sink.problems) }
        Self.checkSharedDestinations(policies.rules, sink: sink)
        return (policies, sink.problems)
    }

    /// A `deliver.file` inside the state directory could overwrite the token database or the spool.
    public static func deliveriesIntoState(_ rules: [Rule], stateDirectory: String) -> [ConfigProblem] {
        rules.compactMap { rule in
            guard case .file(let path)? = rule.delivery?.target, isInside(path, stateDirectory) else { return nil }
            return ConfigProblem(
                file: rule.sourceFile, subject: "rule \"\(rule.name)\"", key: "deliver.file",
                message: "\(path) is inside the state directory \(stateDirectory), where it could overwrite the token database; deliver elsewhere")
        }
    }

    /// Whether `path` is `directory` or below it (compared after standardizing both).
    public static func isInside(_ path: String, _ directory: String) -> Bool {
        let path = URL(fileURLWithPath: path).standardizedFileURL.path
        let directory = URL(fileURLWithPath: directory).standardizedFileURL.path
        return path == directory || path.hasPrefix(directory.hasSuffix("/") ? directory : directory + "/")
    }

    /// Two rotate rules delivering to one file (or one command that does not name its token) would
    /// overwrite each other's secrets: the consumer gets one, the other successor is delivered nowhere.
    static func checkSharedDestinations(_ rules: [Rule], sink: ProblemSink) {
        var first: [String: Rule] = [:]
        for rule in rules {
            guard let delivery = rule.delivery, !delivery.isPerToken else { continue }
            if let earlier = first[delivery.destination] {
                sink.add(
                    ConfigProblem(
                        file: rule.sourceFile, subject: "rule \"\(rule.name)\"", key: "deliver",
                        message: "delivers to the same \(delivery.destination) as rule \"\(earlier.name)\" (\(earlier.sourceFile)); "
                            + "each rotated token needs a destination of its own"))
            } else {
                first[delivery.destination] = rule
            }
        }
    }

    private func readRules(
        _ document: TOMLDocument, providers: [ProviderConfig], sink: ProblemSink,
        seenNames: inout [String: String]
    ) -> [Rule] {
        document.rootReader(sink: sink).rejectUnknownKeys(allowed: ["rule"])
        return document.entries(of: "rule", identifiedBy: "name", sink: sink).compactMap { _, reader in
            readRule(reader, providers: providers, seenNames: &seenNames)
        }
    }

    private func readRule(_ reader: TableReader, providers: [ProviderConfig], seenNames: inout [String: String]) -> Rule? {
        let before = reader.sink.problems.count
        reader.rejectUnknownKeys(allowed: Self.ruleKeys)
        let name = reader.string("name", required: true)
        if let name {
            if name.range(of: "^[A-Za-z0-9][A-Za-z0-9._-]*$", options: .regularExpression) == nil {
                reader.report("name", "\"\(name)\" may contain only letters, digits, \".\", \"_\" and \"-\"")
            } else if let first = seenNames[name] {
                reader.report("name", "a rule named \"\(name)\" is already defined in \(first); names must be unique across all policy files")
            } else {
                seenNames[name] = reader.document.path
            }
        }
        let match = readMatch(reader, providers: providers)
        let triggers = readTriggers(reader)
        var action: RuleAction?
        if let text = reader.string("action", required: true) {
            action = RuleAction(rawValue: text)
            if action == nil {
                let actions = RuleAction.allCases.map(\.rawValue)
                reader.report(
                    "action", "unknown action \"\(text)\" (valid: \(actions.joined(separator: ", ")))",
                    suggestion: NearestWord.suggestion(for: text, among: actions))
            }
        }
        let delivery = readDelivery(reader, action: action)
        let notifyTo = readNotify(reader, action: action)
        let overlap = reader.timeSpan("overlap")
        if overlap != nil, let action, action != .rotate {
            reader.report("overlap", "only applies to action = \"rotate\"")
        }
        let switchOver = readSwitchOver(reader, action: action)
        guard let name, let action, reader.sink.problems.count == before else { return nil }
        var rule = Rule(
            name: name, sourceFile: reader.document.path, match: match, triggers: triggers, action: action,
            delivery: delivery, overlap: action == .rotate ? (overlap ?? Rule.defaultOverlap) : nil)
        rule.switchOver = switchOver
        rule.notifyTo = notifyTo.to
        rule.escalateTo = notifyTo.escalateTo
        rule.leadTimes = leadTimes(reader, action: action)
        checkCapabilities(of: rule, reader: reader, providers: providers)
        if case .whenSuccessorUsed = switchOver {
            for provider in rule.applicability(to: providers).providers where !provider.kind.capabilities.contains(.lastUsed) {
                reader.report(
                    "revoke_old",
                    "\"when-successor-used\" needs a provider that reports when a token was last used, and provider \"\(provider.id)\" "
                        + "(\(provider.kind.displayName)) reports none: the successor's use could never be seen. "
                        + "Narrow match.provider, or use revoke_old = \"after-overlap\"")
            }
        }
        return reader.sink.problems.count == before ? rule : nil
    }

    /// `revoke_old` and `switch_over_deadline`: rotate rules only.
    private func readSwitchOver(_ reader: TableReader, action: RuleAction?) -> SwitchOver {
        let mode = reader.string("revoke_old")
        let deadline = reader.timeSpan("switch_over_deadline")
        if action != nil, action != .rotate {
            if mode != nil { reader.report("revoke_old", "only applies to action = \"rotate\"") }
            if deadline != nil { reader.report("switch_over_deadline", "only applies to action = \"rotate\"") }
            return .afterOverlap
        }
        switch mode {
        case nil, "after-overlap":
            if deadline != nil { reader.report("switch_over_deadline", "only applies with revoke_old = \"when-successor-used\"") }
            return .afterOverlap
        case "when-successor-used":
            if let deadline, deadline.seconds < 3_600 {
                reader.report("switch_over_deadline", "must be at least 1h: a consumer needs time to pick up the new secret")
            } else if let deadline, let overlap = reader.timeSpan("overlap"), deadline.seconds <= overlap.seconds {
                reader.report("switch_over_deadline", "must be longer than overlap (\(overlap)): the old token is kept at least that long anyway")
            }
            return .whenSuccessorUsed(deadline: deadline ?? SwitchOver.defaultDeadline)
        case let other?:
            let modes = ["after-overlap", "when-successor-used"]
            reader.report(
                "revoke_old", "unknown value \"\(other)\" (valid: \(modes.joined(separator: ", ")))",
                suggestion: NearestWord.suggestion(for: other, among: modes))
            return .afterOverlap
        }
    }

    private func readMatch(_ reader: TableReader, providers: [ProviderConfig]) -> TokenMatch {
        guard let table = reader.table("match") else { return TokenMatch() }
        table.rejectUnknownKeys(allowed: Self.matchKeys)
        let ids = providers.map(\.id)
        let named = table.strings("provider") ?? []
        // A provider whose own table was refused has its error there already: naming it is no second one.
        for id in named where !ids.contains(id) && !rejectedProviders.contains(id) {
            let known = ids.isEmpty ? "no providers are configured" : "configured: \(ids.joined(separator: ", "))"
            table.report(
                "match.provider", "no provider has id \"\(id)\" (\(known))",
                suggestion: NearestWord.suggestion(for: id, among: ids))
        }
        return TokenMatch(
            providers: named, names: (table.strings("name") ?? []).map(Glob.init),
            owners: (table.strings("owner") ?? []).map(Glob.init), scopes: table.strings("scope") ?? [])
    }

    private func readTriggers(_ reader: TableReader) -> [Trigger] {
        guard reader.has("when") else {
            reader.report("when", "missing; a rule needs at least one trigger (\(Self.whenKeys.map { "when." + $0 }.joined(separator: ", ")))")
            return []
        }
        guard let table = reader.table("when") else { return [] }
        table.rejectUnknownKeys(allowed: Self.whenKeys)
        var triggers: [Trigger] = []
        if case .array? = table.values["expires_within"] {
            if let spans = table.timeSpans("expires_within") { triggers.append(.expiresWithin(spans[0])) }
        } else if let span = table.timeSpan("expires_within") {
            triggers.append(.expiresWithin(span))
        }
        if let expired = table.boolean("expired") {
            if expired {
                triggers.append(.expired)
            } else {
                table.report("when.expired", "only \"true\" is meaningful; remove the key instead of setting it to false")
            }
        }
        if let span = table.timeSpan("unused_for") { triggers.append(.unusedFor(span)) }
        if let span = table.timeSpan("age_over") { triggers.append(.ageOver(span)) }
        if table.values.isEmpty {
            reader.report("when", "is empty; give at least one of \(Self.whenKeys.map { "when." + $0 }.joined(separator: ", "))")
        }
        return triggers
    }

    private func readDelivery(_ reader: TableReader, action: RuleAction?) -> Delivery? {
        guard let table = reader.table("deliver") else {
            if action == .rotate, !reader.has("deliver") {
                reader.report(
                    "deliver",
                    "a rotate rule must say where the new secret goes: deliver.file = \"/path\" or deliver.command = [\"/path/to/program\", …]")
            }
            return nil
        }
        table.rejectUnknownKeys(allowed: Self.deliverKeys)
        if let action, action != .rotate {
            reader.report("deliver", "only applies to action = \"rotate\"")
            return nil
        }
        var target: Delivery.Target?
        if let path = table.string("file") {
            if !path.hasPrefix("/") || path.hasSuffix("/") {
                table.report("deliver.file", "must be an absolute path to a file")
            } else {
                target = .file(path: path)
            }
        }
        if case .string? = table.values["command"] {
            table.report("deliver.command", "is an argv list, not a shell line: write [\"/usr/local/bin/reload-token\", \"--service\", \"x\"]")
        } else if let argv = table.strings("command") {
            if argv[0].hasPrefix("/") {
                target = .command(argv: argv)
            } else {
                table.report("deliver.command", "the program \"\(argv[0])\" must be an absolute path (no shell, no $PATH lookup)")
            }
        }
        if table.has("file") && table.has("command") {
            reader.report("deliver", "give deliver.file or deliver.command, not both")
            return nil
        }
        if !table.has("file") && !table.has("command") {
            reader.report("deliver", "give deliver.file or deliver.command")
        }
        var delivery = target.map { Delivery(target: $0) }
        readFileOptions(table, into: &delivery)
        if let timeout = table.timeSpan("timeout") {
            if table.has("file") {
                table.report("deliver.timeout", "only applies to deliver.command")
            } else if timeout.seconds == 0 {
                table.report("deliver.timeout", "must be longer than 0s")
            } else {
                delivery?.timeout = timeout
            }
        }
        return delivery
    }

    /// `when.expires_within = ["30d", "7d", "1d"]`: several lead times, longest first (notify rules only).
    private func leadTimes(_ reader: TableReader, action: RuleAction?) -> [TimeSpan] {
        // The durations were checked (and any mistake reported) with the triggers.
        guard case .table(let when)? = reader.values["when"], case .array(let items)? = when["expires_within"] else { return [] }
        let parsed = items.compactMap { item -> TimeSpan? in
            guard case .string(let text) = item else { return nil }
            return try? TimeSpan(parsing: text)
        }
        guard parsed.count == items.count else { return [] }
        let spans = Set(parsed).sorted(by: >)
        if spans.count > 1, let action, action != .notify {
            reader.report("when.expires_within", "several lead times only apply to action = \"notify\"; give one duration")
        }
        return spans.count > 1 ? spans : []
    }

    /// `notify.to` and `notify.escalate_to`: the configured notifiers (and "owner") a notify rule's
    /// messages go to.
    private func readNotify(_ reader: TableReader, action: RuleAction?) -> (to: [String], escalateTo: [String]) {
        guard let table = reader.table("notify") else { return ([], []) }
        table.rejectUnknownKeys(allowed: ["to", "escalate_to"])
        if let action, action == .revoke {
            reader.report(
                "notify",
                "applies to action = \"notify\", and to \"rotate\" (told when a switch-over stalls); failed revokes go to [daemon] alert_to")
            return ([], [])
        }
        guard let ids = table.strings("to") else {
            table.report("notify.to", "name the notifiers to tell, e.g. notify.to = [\"ops\"] or [\"owner\", \"ops\"]")
            return ([], [])
        }
        let to = recipients(ids, key: "notify.to", table: table)
        let escalateTo = table.strings("escalate_to").map { recipients($0, key: "notify.escalate_to", table: table) } ?? []
        return (to, escalateTo)
    }

    /// Checks that each id names a notifier, or is "owner" with an owner map configured.
    private func recipients(_ ids: [String], key: String, table: TableReader) -> [String] {
        for id in ids where !notifiers.contains(id) {
            if id == "owner" {
                if !ownersConfigured {
                    table.report(
                        key,
                        "\"owner\" needs an owner map in the main config: at least [owners] fallback = \"<notifier id>\" "
                            + "(and [[owner]] match = \"…\" to = \"…\" entries)")
                }
            } else {
                table.report(
                    key,
                    notifiers.isEmpty
                        ? "names notifier \"\(id)\", but the main config has no [[notifier]]"
                        : "names notifier \"\(id)\", which the main config does not define (defined: \(notifiers.joined(separator: ", ")))",
                    suggestion: NearestWord.suggestion(for: id, among: notifiers))
            }
        }
        return ids
    }

    /// `deliver.owner` and `deliver.mode`, which only a file delivery has.
    private func readFileOptions(_ table: TableReader, into delivery: inout Delivery?) {
        if let owner = table.string("owner") {
            let parts = owner.split(separator: ":", omittingEmptySubsequences: false)
            if table.has("command") {
                table.report("deliver.owner", "only applies to deliver.file")
            } else if parts.count > 2 || parts.contains(where: \.isEmpty) {
                table.report("deliver.owner", "\"\(owner)\" is not \"user\" or \"user:group\" (names or numeric ids)")
            } else {
                delivery?.owner = owner
            }
        }
        if let text = table.string("mode") {
            if table.has("command") {
                table.report("deliver.mode", "only applies to deliver.file")
                return
            }
            guard text.count == 4, text.hasPrefix("0"), let mode = Int(text, radix: 8) else {
                table.report("deliver.mode", "\"\(text)\" is not an octal mode like \"0600\" or \"0640\" (write it as a string)")
                return
            }
            if mode & 0o007 != 0 {
                table.report("deliver.mode", "\"\(text)\" lets every user read the secret; others may have no access (e.g. \"0640\")")
            } else if mode & 0o400 == 0 {
                table.report("deliver.mode", "\"\(text)\" does not let the owner read the file")
            } else {
                delivery?.mode = mode
            }
        }
    }

    /// A rule naming providers must be servable by each of them; say which trigger or action needs what.
    private func checkCapabilities(of rule: Rule, reader: TableReader, providers: [ProviderConfig]) {
        for id in rule.match.providers {
            guard let provider = providers.first(where: { $0.id == id }) else { continue }
            let has = provider.kind.capabilities
            let needs: [(key: String, what: String, capabilities: ProviderCapabilities)] =
                rule.triggers.map { ($0.key, "this trigger", $0.requiredCapabilities) }
                + [("action", "action = \"\(rule.action.rawValue)\"", rule.action.requiredCapabilities)]
            for need in needs {
                let missing = need.capabilities.subtracting(has)
                guard !missing.isEmpty else { continue }
                reader.report(
                    need.key,
                    "provider \"\(id)\" (\(provider.kind.displayName)) has no \(missing.names.joined(separator: " or ")), which "
                        + "\(need.what) needs; remove \"\(id)\" from match.provider or change the rule"
                )
            }
        }
    }
}
