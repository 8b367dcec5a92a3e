/// The result of one audited action.
/// `planned` is written before any provider call, so a crash leaves a trace of what was attempted.
public enum ActionOutcome: String, Sendable, Hashable, CaseIterable, Codable {
    case planned
    case succeeded
    case failed
    /// Not attempted: report-only, blast-radius limit, or a protected token.
    case skipped
}
