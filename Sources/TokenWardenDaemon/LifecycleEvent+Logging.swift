import Logging
import TokenWardenCore
import TokenWardenJournal

extension LifecycleEvent {
    /// The journal entry kind (and so the `MESSAGE_ID`) of this event.
    public var journalEvent: JournalEvent {
        switch kind {
        case .notified: .tokenNotified
        case .wouldAct: .wouldAct
        case .heldOwnCredential: .heldOwnCredential
        case .needsPerson: .needsPerson
        case .revoked: .tokenRevoked
        case .revokeFailed: .revokeFailed
        case .rotationDelivered: .rotationDelivered
        case .rotated: .tokenRotated
        case .rotationFailed: .rotationFailed
        case .rotationStalled: .rotationStalled
        case .limitReached: .limitReached
        case .deferred: .actionDeferred
        case .reportsPending: .reportsPending
        }
    }

    public var level: Logger.Level {
        switch priority {
        case .critical: .critical
        case .error: .error
        case .warning: .warning
        case .notice: .notice
        case .info: .info
        }
    }

    /// `message_id` and the token's facts, which the journal handler turns into `MESSAGE_ID` and
    /// `TOKENWARDEN_*` fields.
    public var metadata: Logger.Metadata {
        var metadata: Logger.Metadata = ["message_id": .string(journalEvent.messageID), "event": .string(journalEvent.rawValue)]
        if let token {
            metadata["provider"] = .string(token.provider)
            metadata["token_id"] = .string(token.id)
            metadata["token_name"] = .string(token.name)
            if let owner = token.owner { metadata["owner"] = .string(owner) }
            if let expires = token.expiresAt { metadata["expires_at"] = .string(ProviderTimestamp.format(expires)) }
            if let used = token.lastUsedAt { metadata["last_used"] = .string(ProviderTimestamp.format(used)) }
        }
        if let rule { metadata["rule"] = .string(rule) }
        if let action { metadata["action"] = .string(action.rawValue) }
        return metadata
    }

    /// Logs the event; `CODE_FILE`/`CODE_LINE`/`CODE_FUNC` name the caller.
    public func log(to logger: Logger, file: String = #fileID, function: String = #function, line: UInt = #line) {
        logger.log(level: level, "\(message)", metadata: metadata, file: file, function: function, line: line)
    }
}

extension Logger {
    /// Logs a daemon event that is not about one token (started, reloaded, a provider's poll).
    /// `CODE_FILE`/`CODE_LINE`/`CODE_FUNC` name the caller.
    public func event(
        _ event: JournalEvent, _ level: Logger.Level, _ message: String, provider: String? = nil,
        token: (id: String, name: String)? = nil, detail: String? = nil,
        file: String = #fileID, function: String = #function, line: UInt = #line
    ) {
        var metadata: Logger.Metadata = ["message_id": .string(event.messageID), "event": .string(event.rawValue)]
        if let provider { metadata["provider"] = .string(provider) }
        if let token {
            metadata["token_id"] = .string(token.id)
            metadata["token_name"] = .string(token.name)
        }
        if let detail { metadata["detail"] = .string(detail) }
        log(level: level, "\(message)", metadata: metadata, file: file, function: function, line: line)
    }
}
