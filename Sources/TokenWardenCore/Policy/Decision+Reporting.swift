import Foundation

extension Decision {
    /// What an approval is bound to, whatever holds the decision (a held decision is what is
    /// approved): its action, its rule as configured (`ruleFingerprint`: an edited rule needs a new
    /// approval), and the token's facts, scopes included, as one JSON array, so that no provider
    /// text (a name with the separator in it) can make two sets of facts look alike.
    public var approvalKey: String {
        let instants = [token.createdAt, token.expiresAt, token.lastUsedAt].map { $0.map { String($0.millisecondsSince1970) } ?? "-" }
        let fields =
            [action.rawValue, rule, ruleFingerprint ?? "-", token.state.rawValue, token.name, token.owner ?? "-", token.ownerID ?? "-"]
            + instants + ["scopes"] + token.scopes.sorted()
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// What makes this decision worth reporting again: its action, rule, hold and the token facts it
    /// rests on. Time passing changes none of them, so a decision is reported once per threshold
    /// crossing, and again when the token's facts change. Each lead time of a rule with several is a
    /// threshold of its own; a snooze or exemption ending is a change.
    public var factsKey: String {
        let instants = [token.createdAt, token.expiresAt, token.lastUsedAt].map { $0.map { String($0.millisecondsSince1970) } ?? "-" }
        var key = ([action.rawValue, rule, hold?.rawValue ?? "-", token.state.rawValue, token.name, token.owner ?? "-"] + instants)
            .joined(separator: "|")
        if let leadTime { key += "|lead=\(leadTime.seconds)" }
        return key
    }

    /// How close to its deadline a notice is, for escalation: the lead time crossed, 0 once expired,
    /// nil for notices about anything but expiry. A later notice with a smaller stage about the same
    /// unchanged token means the one before went unanswered.
    public func noticeStage(at now: Date) -> Int64? {
        guard action == .notify, let expires = token.expiresAt else { return nil }
        return expires <= now ? 0 : leadTime?.seconds
    }
}
