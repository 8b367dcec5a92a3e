import ArgumentParser
import Foundation
import TokenWardenConfig
import TokenWardenCore
import TokenWardenJournal
import TokenWardenLifecycle
import TokenWardenStore

/// `tokenwarden resume [--provider ID] --reason TEXT`.
struct ResumeWrites: ConfiguredCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "End a pause: revokes, rotations and deliveries go ahead again from the next cycle.",
        discussion: """
            Without --provider every pause ends. With --provider only that provider's pause ends; a \
            pause of every provider stays until it is resumed too (the command says so). Who resumed \
            and why are kept with the pause. Decisions held by the pause are carried out at the \
            daemon's next cycle of each provider, within the blast-radius limit as always.

            Examples:
              sudo tokenwarden resume --reason "freeze over"
              sudo tokenwarden resume --provider awx-main --reason "AWX upgrade done"
            """
    )

    @OptionGroup var options: ConfigOptions

    @OptionGroup var scope: PauseOptions

    func run(_ context: CommandContext) async throws {
        let by = AdminIdentity.current(environment: context.environment)
        let now = Date()
        let configuration = try context.configuration()
        try scope.checkProvider(in: configuration)
        let store = try configuration.openStore()
        let ended = try store.resume(provider: scope.provider, by: by.description, byUID: by.uid, reason: scope.reason, at: now)
        CommandJournal.record(ended.map { JournalEvent.resumed($0, by: by.description, reason: scope.reason) })
        let remaining = try store.pauses(at: now)
        guard !ended.isEmpty else {
            let other = remaining.first.map { "; \($0.scope) is \($0.description)" } ?? ""
            throw Refusal("no pause of \(scope.provider.map { "provider \($0)" } ?? "any provider") to end\(other)".terminalSafe)
        }
        for pause in ended { print("resumed writes to \(pause.scope) (they were \(pause.description))".terminalSafe) }
        if let provider = scope.provider, let still = Pause.holding(provider, in: remaining, at: now) {
            print("writes to \(provider) stay paused: \(still.scope) is \(still.description)".terminalSafe)
        }
    }
}
