import Foundation

/// One line of `tokenwarden history`: an observation event, an audited action or a rotation step.
/// Merged from three tables and ordered by time so an on-call reads one story.
public struct HistoryEntry: Sendable, Hashable {
    /// Where the entry comes from.
    public enum Source: String, Sendable, Hashable, Codable {
        case observation
        case action
        case rotation
    }

    public var occurredAt: Date
    public var provider: String
    public var tokenID: String
    public var tokenName: String
    public var source: Source
    /// `discovered`, `changed`, … for observations; `revoke (enforce): succeeded` or
    /// `would revoke (report-only)` for actions; the state for rotation steps.
    public var event: String
    public var detail: String
    public var rule: String?
    /// An admin's command: the real uid of the process that ran it (nil for everything else, and for
    /// commands recorded before tokenwarden kept it).
    public var actorUID: UInt32? = nil
    /// What happened as a code for scripts (`history --json` `event`): an observation's kind
    /// (`discovered`, `changed`, `disappeared`, `reappeared`), an action (`notify`, `revoke`,
    /// `rotate`, `snooze`, `exempt`, `unsnooze`, `retry`, `override_snooze`, `override_exempt`) or
    /// `rotation_` and a rotation step's state (`rotation_planned` … `rotation_done`, `rotation_failed`).
    public var code: String = ""
    /// An action's mode (`report`, `enforce`, `manual`, `admin`) and outcome (`planned`, `succeeded`,
    /// `failed`, `skipped`); nil for observations and rotation steps.
    public var mode: String? = nil
    public var outcome: String? = nil
}
