/// The steps of a rotation; each is committed before the next external call.
/// planned → created → delivered → oldRevoked → done, or failed from any step (new token revoked, old untouched).
public enum RotationState: String, Sendable, Hashable, CaseIterable, Codable {
    case planned
    /// The new token exists at the provider; its id is recorded.
    case created
    /// The new secret reached its destination.
    case delivered
    /// The old token was revoked after the overlap.
    case oldRevoked = "old_revoked"
    case done
    case failed
}
