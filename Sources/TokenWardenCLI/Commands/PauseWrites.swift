import ArgumentParser
import Foundation
import TokenWardenConfig
import TokenWardenCore
import TokenWardenJournal
import TokenWardenLifecycle
import TokenWardenStore

/// `tokenwarden pause [--provider ID] [--until WHEN] --reason TEXT`.
struct PauseWrites: ConfiguredCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause",
        abstract: "Stop every revoke, rotation and delivery, for a change freeze; polling and notices go on.",
        discussion: """
            While paused, policy still decides, but every revoke and rotation it would make is held \
            (`tokenwarden plan` marks them "paused"), and rotations under way create, deliver and \
            revoke nothing. Polling, the inventory and notifications to owners go on. The daemon \
            picks the pause up at its next cycle, without a reload. An admin's own `revoke` and \
            `rotate` still act, with a warning.

            Without --provider every provider is paused. --until ends the pause by itself (a day \
            2026-12-24 at midnight in the host's time zone, a time 2026-12-24T09:00:00Z, or a span from now such as 3d); \
            without it the pause lasts until `tokenwarden resume`. Pausing again replaces the \
            pause of the same scope. Who paused (SUDO_USER and uid), when and why are kept, and \
            `tokenwarden status` shows them.

            Examples:
              sudo tokenwarden pause --reason "CHG-2211 year-end freeze" --until 2027-01-04
              sudo tokenwarden pause --provider awx-main --until 6h --reason "AWX upgrade"
            """
    )

    @OptionGroup var options: ConfigOptions

    @OptionGroup var scope: PauseOptions

    @Option(help: ArgumentHelp("When the pause ends by itself: a day (YYYY-MM-DD), a time (RFC 3339) or a span (3d).", valueName: "date"))
    var until: String?

    func run(_ context: CommandContext) async throws {
        let by = AdminIdentity.current(environment: context.environment)
        let now = Date()
        let end = try until.map { try Snooze.parseUntil($0, now: now) }
        let configuration = try context.configuration()
        try scope.checkProvider(in: configuration)
        let store = try configuration.openStore()
        let pause = Pause(provider: scope.provider, since: now, until: end, reason: scope.reason, by: by.description, byUID: by.uid)
        let replaced = try store.pause(pause)
        let event = JournalEvent.paused(pause, replacing: replaced)
        CommandJournal.record([event])
        print(
            ("paused writes to \(pause.scope)" + (end.map { " until \(ProviderTimestamp.format($0))" } ?? " until `tokenwarden resume`")
                + (replaced.map { " (replacing the pause \($0.description))" } ?? "")).terminalSafe)
    }
}
