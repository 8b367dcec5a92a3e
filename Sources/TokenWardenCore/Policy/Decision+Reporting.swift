import Foundation

extension Decision {
    /// What makes this decision worth reporting again: its action, rule, hold and the token facts it
    /// rests on. Time passing changes none of them, so a decision is reported once per threshold
    /// crossing, and again when the token's facts change. Each lead time of a rule with several is a
    /// threshold of its own; a snooze or exemption ending is a change.
    /// What an approval is bound to: the decision's action and rule and the token's facts, whatever
    /// holds it (a held decision is what is approved).
    public var approvalKey: String {
        var unheld = self
        unheld.hold = nil
        unheld.leadTime = nil
        return unheld.factsKey
    }

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
