/// The steps of a rotation; each is committed before the next external call.
/// planned → created → delivered → oldRevoked → done; a failure before delivery goes through
/// compensating (the new token is being revoked) to failed, with the old token untouched.
public enum RotationState: String, Sendable, Hashable, CaseIterable, Codable {
    case planned
    /// The new token exists at the provider; its id is recorded.
    case created
    /// The new secret reached its destination.
    case delivered
    /// The old token was revoked after the overlap.
    case oldRevoked = "old_revoked"
    case done
    /// Delivery failed or the secret was lost: the new token must be revoked before the rotation ends.
    case compensating
    /// Ended without replacing the old token; any new token has been revoked.
    case failed

    /// Done and failed rotations are history; every other state is resumed at start-up and each cycle.
    public var isFinished: Bool { self == .done || self == .failed }
}
