import TokenWardenCore
import TokenWardenJournal
import TokenWardenLifecycle

/// How the journal words the daemon's own steps: start, reload, a refused reload, stop, a damaged database.
extension JournalEvent {
    static func started(_ setup: CycleSetup) -> JournalEvent {
        JournalEvent(.daemonStarted, .notice, "tokenwarden started: " + summary(setup), detail: setup.configuration.sourcePath)
    }

    static func reloaded(_ setup: CycleSetup) -> JournalEvent {
        JournalEvent(.daemonReloaded, .notice, "reloaded: " + summary(setup), detail: setup.configuration.sourcePath)
    }

    static func reloadRefused(_ error: any Error) -> JournalEvent {
        // One line: a text log prints a line break as `\u{A}`; the problems are joined with "; ".
        let lines = "\(error)".split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let problems = ([lines.first ?? ""] + [lines.dropFirst().joined(separator: "; ")]).filter { !$0.isEmpty }.joined(separator: " ")
        return JournalEvent(.reloadRefused, .error, "reload refused, the previous configuration stays in effect: \(problems)")
    }

    static func metricsNotWritten(_ problem: String, path: String?) -> JournalEvent {
        guard let path else {
            return JournalEvent(.metricsNotWritten, .warning, "the metrics could not be made: \(problem) (said once until it changes)")
        }
        return JournalEvent(
            .metricsNotWritten, .warning,
            "the metrics could not be written to \(path): \(problem) "
                + "(said once until it changes; the unit may need ReadWritePaths= for its directory)"
        )
    }

    static func metricsNotServed(_ address: ListenAddress, problem: String) -> JournalEvent {
        JournalEvent(
            .metricsNotServed, .error,
            "the metrics cannot be served on \(address): \(problem); tokenwarden runs on without it (is another program listening there?)",
            detail: address.description)
    }

    static func templateRejected(_ problem: NotificationTemplates.TemplateError) -> JournalEvent {
        JournalEvent(.templateRejected, .error, "notification template not used, the built-in one is: \(problem)")
    }

    static func stopping(_ reason: String, running: Int) -> JournalEvent {
        JournalEvent(.daemonStopping, .notice, "tokenwarden stopping (\(reason)); \(running) cycles still running")
    }

    static func storeDamaged(_ error: any Error) -> JournalEvent {
        JournalEvent(.storeDamaged, .critical, "\(error)")
    }

    /// "6 providers, 3 rules, enforcing".
    private static func summary(_ setup: CycleSetup) -> String {
        "\(setup.drivers.count) providers, \(setup.context.policies.rules.count) rules, "
            + (setup.configuration.daemon.enforce ? "enforcing" : "report-only")
    }
}
