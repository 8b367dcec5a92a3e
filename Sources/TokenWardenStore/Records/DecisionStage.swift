/// Decisions staged by `TokenStore.stageDecisions`, waiting for `rememberDecisions` to take them.
public struct DecisionStage: Sendable, Hashable {
    /// Tells this stage's rows from those of another cycle staged on the same connection meanwhile.
    let id = Int64.random(in: 1...Int64.max)
}
