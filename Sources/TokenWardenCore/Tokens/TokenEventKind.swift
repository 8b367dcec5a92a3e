/// What happened to a token between two listings, as kept in its history.
/// Only changes are recorded; a token seen again unchanged only moves `last_seen_at`.
public enum TokenEventKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// First time tokenwarden saw it.
    case discovered
    /// One or more facts changed (the event's detail lists them).
    case changed
    /// A complete listing no longer contained it.
    case disappeared
    /// Listed again after it had disappeared.
    case reappeared
}
