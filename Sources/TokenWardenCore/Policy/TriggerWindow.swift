/// The token timestamps (milliseconds since 1970, as the store keeps them) for which one trigger
/// holds at one moment.
/// Why: a store can then select firing tokens with the engine's own boundaries (`PolicyEngine.window`
/// finds them by asking the engine), instead of a second copy of the rules' arithmetic.
public enum TriggerWindow: Sendable, Hashable {
    /// The trigger cannot hold for any token of this provider (e.g. `unused_for` without last-use facts).
    case never
    /// `expires_at` lies within the range.
    case expires(ClosedRange<Int64>)
    /// `created_at` is at or before the bound.
    case createdAtOrBefore(Int64)
    /// `last_used_at` is at or before `lastUsed`; a token never used counts from `created_at`, at or
    /// before `neverUsedCreated`.
    case unused(lastUsed: Int64, neverUsedCreated: Int64)
}
