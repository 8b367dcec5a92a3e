import Foundation
import TokenWardenCore

/// One `[[rule]]` table into a `Rule`: its keys, its match, its triggers and its switch-over.
extension PolicyLoader {
    func readRule(_ reader: TableReader, providers: [ProviderConfig], seenNames: inout [String: String]) -> Rule? {
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
        let approval = readApproval(reader, action: action)
        let notifyTo = readNotify(reader, action: action, approve: approval.approve)
        let overlap = reader.timeSpan("overlap")
        if overlap != nil, let action, action != .rotate {
            reader.report("overlap", "only applies to action = \"rotate\"")
        }
        let switchOver = readSwitchOver(reader, action: action)
        let windows = readWindows(reader)
        guard let name, let action, reader.sink.problems.count == before else { return nil }
        var rule = Rule(
            name: name, sourceFile: reader.document.path, match: match, triggers: triggers, action: action,
            delivery: delivery, overlap: action == .rotate ? (overlap ?? Rule.defaultOverlap) : nil)
        rule.switchOver = switchOver
        rule.notifyTo = notifyTo.to
        rule.escalateTo = notifyTo.escalateTo
        rule.leadTimes = leadTimes(reader, action: action)
        rule.windows = windows
        (rule.approve, rule.approvalExpires) = (approval.approve, approval.expires)
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

    /// `approve = true` and `approval_expires`: revoke and rotate rules only.
    func readApproval(_ reader: TableReader, action: RuleAction?) -> (approve: Bool, expires: TimeSpan) {
        let approve = reader.boolean("approve") ?? false
        let expires = reader.timeSpan("approval_expires")
        if approve, action == .notify {
            reader.report("approve", "applies to action = \"revoke\" and \"rotate\": a notice needs no approval")
        }
        if expires != nil, !approve { reader.report("approval_expires", "only applies with approve = true") }
        if let expires, expires.seconds < 3_600 {
            reader.report("approval_expires", "must be at least 1h: a person needs time to answer")
        } else if let expires, expires.seconds > 90 * 86_400 {
            reader.report("approval_expires", "must be at most 90d: an answer that old no longer speaks for today's token")
        }
        return (approve, expires ?? Approval.defaultExpiry)
    }

    /// `window = ["Mon-Fri 09:00-16:00", …]`: when the rule may act (every problem located at the key).
    func readWindows(_ reader: TableReader) -> [ActionWindow] {
        guard let texts = reader.strings("window") else { return [] }
        var windows: [ActionWindow] = []
        for text in texts {
            do { windows.append(try ActionWindow(parsing: text)) } catch { reader.report("window", error.description) }
        }
        return windows
    }

    /// `revoke_old` and `switch_over_deadline`: rotate rules only.
    func readSwitchOver(_ reader: TableReader, action: RuleAction?) -> SwitchOver {
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

    func readMatch(_ reader: TableReader, providers: [ProviderConfig]) -> TokenMatch {
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

    func readTriggers(_ reader: TableReader) -> [Trigger] {
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
}
