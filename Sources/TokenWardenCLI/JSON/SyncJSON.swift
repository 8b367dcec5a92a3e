import TokenWardenCore
import TokenWardenJournal
import TokenWardenLifecycle

/// What `sync --json` prints (docs/json.md): each provider's poll, the providers that could not be
/// used, and every event of the cycle as its journal kind, priority and message.
struct SyncJSON: Encodable {
    let polls: [PollResult]
    let unusable: [UnusableProvider]
    let events: [JournalEvent]
    let failed: Bool

    enum Keys: String, CodingKey { case providers, events, failed }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        let providers =
            polls.map { poll in
                JSONFields([
                    "provider": .string(poll.provider), "succeeded": .bool(poll.succeeded), "error": .string(poll.error),
                    "seen": .number(Double(poll.summary.seen)), "discovered": .number(Double(poll.summary.discovered)),
                    "changed": .number(Double(poll.summary.changed)), "reappeared": .number(Double(poll.summary.reappeared)),
                    "gone": .number(Double(poll.gone)), "gone_held": .number(Double(poll.goneHeld)), "seconds": .number(poll.seconds),
                ])
            }
            + unusable.map { unusable in
                JSONFields([
                    "provider": .string(unusable.provider), "succeeded": .bool(false), "error": .string(unusable.reason), "seen": .number(nil),
                    "discovered": .number(nil), "changed": .number(nil), "reappeared": .number(nil), "gone": .number(nil),
                    "gone_held": .number(nil), "seconds": .number(nil),
                ])
            }
        try container.encode(providers, forKey: .providers)
        try container.encode(events.map(Self.event), forKey: .events)
        try container.encode(failed, forKey: .failed)
    }

    /// `{"kind": "token-revoked", "priority": "notice", "message", "provider", "token_id", "rule"}`.
    static func event(_ event: JournalEvent) -> JSONFields {
        JSONFields([
            "kind": .string(event.kind.rawValue), "priority": .string("\(event.priority)"), "message": .string(event.message),
            "provider": .string(event.provider), "token_id": .string(event.token?.id ?? event.tokenID), "rule": .string(event.rule),
        ])
    }
}
