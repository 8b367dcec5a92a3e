import Foundation
import TokenWardenCore

/// A rule's `deliver` and `notify` tables, and whether the providers it names can serve it.
extension PolicyLoader {
    func readDelivery(_ reader: TableReader, action: RuleAction?) -> Delivery? {
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
    func leadTimes(_ reader: TableReader, action: RuleAction?) -> [TimeSpan] {
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
    func readNotify(_ reader: TableReader, action: RuleAction?, approve: Bool = false) -> (to: [String], escalateTo: [String]) {
        guard let table = reader.table("notify") else { return ([], []) }
        table.rejectUnknownKeys(allowed: Self.notifyKeys)
        if let action, action == .revoke, !approve {
            reader.report(
                "notify",
                "applies to action = \"notify\", to \"rotate\" (told when a switch-over stalls) and to a rule with approve = true (told "
                    + "what waits for approval); failed revokes go to [daemon] alert_to")
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
    func recipients(_ ids: [String], key: String, table: TableReader) -> [String] {
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
    func readFileOptions(_ table: TableReader, into delivery: inout Delivery?) {
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
    func checkCapabilities(of rule: Rule, reader: TableReader, providers: [ProviderConfig]) {
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
