import ArgumentParser
import Foundation
import TokenWardenCore
import TokenWardenLifecycle
import TokenWardenStore

/// `tokenwarden outbox`: the notifications waiting to be sent, and those given up.
struct Outbox: ConfiguredCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "List notifications waiting to be sent or given up as undeliverable.",
        discussion: """
            Every message to people (digests for notify rules with notify.to) is queued in the \
            database with the decisions it tells of, then sent by the daemon (or by `sync`). A \
            failed send is retried, 1, 2, 4 … minutes apart and at most an hour apart, up to 8 \
            attempts; then the message is undeliverable and stays listed here with its last error. \
            Each message keeps one idempotency key for every attempt (the payload's "id", mail's \
            Message-ID), so a receiver can drop a repeat.

            Exit 1 when a message is undeliverable.

            Examples:
              tokenwarden outbox
              tokenwarden outbox --all --json
            """
    )

    @OptionGroup var options: ConfigOptions
    @OptionGroup var time: TimeOptions

    @Flag(help: "Also list messages already sent (the last 1000).")
    var all = false

    @Flag(help: "Print a JSON array instead of a table.")
    var json = false

    func run(_ context: CommandContext) throws {
        let (configuration, _) = try context.configurationForReading()
        let store = try configuration.openInventory()
        let states: Set<OutboxMessage.State> = all ? Set(OutboxMessage.State.allCases) : [.pending, .undeliverable]
        let messages = try store.outbox(states: states)
        if json {
            try JSONOutput.print(messages.map(Self.row))
        } else if messages.isEmpty {
            print(all ? "the outbox is empty" : "nothing waiting: every notification was sent")
        } else {
            var table = TextTable("ID", "NOTIFIER", "STATE", "TRIES", "QUEUED", "NEXT TRY / SENT", "SUBJECT", "LAST ERROR")
            for message in messages {
                table.append([
                    String(message.id), message.notifier, message.state.rawValue, String(message.attempts),
                    time.human.instant(message.queuedAt),
                    message.state == .sent
                        ? time.human.instant(message.sentAt) : message.state == .pending ? time.human.instant(message.nextAttemptAt) : "-",
                    message.subject, message.lastError ?? "-",
                ])
            }
            print(table.render())
        }
        if messages.contains(where: { $0.state == .undeliverable }) { throw ExitCode.failure }
    }

    /// One message as `--json` prints it (docs/json.md).
    static func row(_ message: OutboxMessage) -> JSONFields {
        JSONFields([
            "id": .integer(message.id), "notifier": .string(message.notifier), "state": .string(message.state.rawValue),
            "attempts": .integer(message.attempts), "idempotency_key": .string(message.idempotencyKey), "subject": .string(message.subject),
            "queued_at": .instant(message.queuedAt), "next_attempt_at": .instant(message.state == .pending ? message.nextAttemptAt : nil),
            "sent_at": .instant(message.sentAt), "last_error": .string(message.lastError),
        ])
    }
}
