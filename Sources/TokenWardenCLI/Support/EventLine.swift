import TokenWardenCore
import TokenWardenJournal

/// A lifecycle event as one line of command output: `NOTICE  would-act  message`.
/// The daemon sends the same events to the journal; commands print them for the admin at the terminal.
enum EventLine {
    static func render(_ event: JournalEvent) -> String {
        let level =
            switch event.priority {
            case .critical: "CRITICAL"
            case .error: "ERROR"
            case .warning: "WARNING"
            case .notice: "NOTICE"
            case .info: "INFO"
            }
        return "\(level.padding(toLength: 8, withPad: " ", startingAt: 0))  \(event.message.terminalSafe)"
    }
}
