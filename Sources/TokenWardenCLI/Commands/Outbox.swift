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
            try JSONOutput.print(messages.map(Row.init))
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

    /// One message as `--json` prints it.
    struct Row: Encodable {
        var id: Int64
        var notifier: String
        var state: String
        var attempts: Int
        var idempotencyKey: String
        var subject: String
        var queuedAt: String
        var nextAttemptAt: String?
        var sentAt: String?
        var lastError: String?

        init(_ message: OutboxMessage) {
            id = message.id
            notifier = message.notifier
            state = message.state.rawValue
            attempts = message.attempts
            idempotencyKey = message.idempotencyKey
            subject = message.subject
            queuedAt = ProviderTimestamp.formatExact(message.queuedAt)
            nextAttemptAt = message.state == .pending ? ProviderTimestamp.formatExact(message.nextAttemptAt) : nil
            sentAt = message.sentAt.map(ProviderTimestamp.formatExact)
            lastError = message.lastError
        }

        enum CodingKeys: String, CodingKey {
            case id, notifier, state, attempts, subject
            case idempotencyKey = "idempotency_key"
            case queuedAt = "queued_at"
            case nextAttemptAt = "next_attempt_at"
            case sentAt = "sent_at"
            case lastError = "last_error"
        }

        /// Every key, `null` when unknown (the synthesized encoder would leave it out).
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(notifier, forKey: .notifier)
            try container.encode(state, forKey: .state)
            try container.encode(attempts, forKey: .attempts)
            try container.encode(idempotencyKey, forKey: .idempotencyKey)
            try container.encode(subject, forKey: .subject)
            try container.encode(queuedAt, forKey: .queuedAt)
            try container.encode(nextAttemptAt, forKey: .nextAttemptAt)
            try container.encode(sentAt, forKey: .sentAt)
            try container.encode(lastError, forKey: .lastError)
        }
    }
}
