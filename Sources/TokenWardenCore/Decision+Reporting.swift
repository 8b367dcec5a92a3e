extension Decision {
    /// What makes this decision worth reporting again: its action, rule, hold and the token facts it
    /// rests on. Time passing changes none of them, so a decision is reported once per threshold
    /// crossing, and again when the token's facts change.
    public var factsKey: String {
        let instants = [token.createdAt, token.expiresAt, token.lastUsedAt].map { $0.map { String($0.millisecondsSince1970) } ?? "-" }
        return ([action.rawValue, rule, hold?.rawValue ?? "-", token.state.rawValue, token.name, token.owner ?? "-"] + instants)
            .joined(separator: "|")
    }
}
