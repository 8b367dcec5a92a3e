/// How an action came about, as kept in the audit trail.
/// Report-only decisions are recorded too, so an admin can see what enforcement would have done.
public enum ActionMode: String, Sendable, Hashable, CaseIterable, Codable {
    /// `enforce = false`: decided and reported, nothing written to the provider.
    case report
    /// `enforce = true`: carried out by policy.
    case enforce
    /// Asked for by an admin (`tokenwarden revoke` / `rotate`).
    case manual
}
