import Foundation
import TokenWardenCore
import TokenWardenJournal
import TokenWardenStore

/// How the journal words a pause and its end, the same for the command and the daemon.
extension JournalEvent {
    /// paused: `tokenwarden pause` (with the pause it replaced, if any).
    public static func paused(_ pause: Pause, replacing old: Pause?) -> JournalEvent {
        JournalEvent(
            .paused, .notice,
            "writes to \(pause.scope) \(pause.description)" + (old.map { " (replacing the pause \($0.description))" } ?? "")
                + "; revokes, rotations and deliveries wait, polling and notices go on",
            provider: pause.provider)
    }

    /// resumed: `tokenwarden resume` ended `pause`.
    public static func resumed(_ pause: Pause, by: String, reason: String) -> JournalEvent {
        JournalEvent(
            .resumed, .notice, "writes to \(pause.scope) resumed by \(by): \(reason) (they were \(pause.description))",
            provider: pause.provider)
    }

    /// resumed: a pause's `until` passed.
    static func resumed(_ ended: Pause.Ended) -> JournalEvent {
        JournalEvent(
            .resumed, .notice,
            "writes to \(ended.pause.scope) resumed at \(ProviderTimestamp.format(ended.endedAt)): \(ended.reason) "
                + "(they were \(ended.pause.description))",
            provider: ended.pause.provider)
    }
}
