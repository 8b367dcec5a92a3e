import Logging
import TokenWardenCore

/// One thing tokenwarden tells the admin: a kind (and with it the fixed `MESSAGE_ID`), a priority, a
/// message complete on its own, and the facts as fields tools filter on (`TOKENWARDEN_PROVIDER`, …).
/// The daemon and the commands word every entry through this one type; the catalog
/// (`packaging/journald/tokenwarden.catalog`) explains each kind.
public struct JournalEvent: Sendable, Hashable {
    /// Every kind of journal entry, each with a fixed 128-bit `MESSAGE_ID`. The ids never change once
    /// shipped: admins filter on them (`journalctl MESSAGE_ID=…`), and a test keeps the catalog in step.
    public enum Kind: String, CaseIterable, Sendable {
        case daemonStarted = "daemon-started"
        case daemonReloaded = "daemon-reloaded"
        case daemonStopping = "daemon-stopping"
        case reloadRefused = "reload-refused"
        case pollSucceeded = "poll-succeeded"
        case pollFailed = "poll-failed"
        case pollRecovered = "poll-recovered"
        case tokenDiscovered = "token-discovered"
        case tokenChanged = "token-changed"
        case tokenDisappeared = "token-disappeared"
        case tokenReappeared = "token-reappeared"
        case tokenNotified = "token-notified"
        case wouldAct = "would-act"
        case heldOwnCredential = "held-own-credential"
        case needsPerson = "needs-person"
        case tokenRevoked = "token-revoked"
        case revokeFailed = "revoke-failed"
        case rotationDelivered = "rotation-delivered"
        case tokenRotated = "token-rotated"
        case rotationFailed = "rotation-failed"
        case rotationStalled = "rotation-stalled"
        case limitReached = "limit-reached"
        case actionDeferred = "action-deferred"
        case storeDamaged = "store-damaged"
        case reportsPending = "reports-pending"
        case notificationSent = "notification-sent"
        case notificationFailed = "notification-failed"
        case heldByAdmin = "held-by-admin"
        case noticeEscalated = "notice-escalated"
        case ownersUnresolved = "owners-unresolved"
        case providerFailing = "provider-failing"
        case templateRejected = "template-rejected"
        case metricsNotWritten = "metrics-not-written"
        case metricsNotServed = "metrics-not-served"
        case notificationUndeliverable = "notification-undeliverable"
        case writesGaveUp = "gave-up"
        case switchOverStalled = "switch-over-stalled"
        case rehearsalPassed = "rehearsal-passed"
        case rehearsalFailed = "rehearsal-failed"
        case cycleSkipped = "cycle-skipped"
        case manyChanges = "many-changes"
        case providerUnusable = "provider-unusable"
        case cycleFailed = "cycle-failed"
        case paused
        case resumed
        case heldOutsideWindow = "held-outside-window"
        case approvalRequested = "approval-requested"
        case approvalDecided = "approval-decided"
        case approvalExpired = "approval-expired"
        case ownCredentialExpiring = "own-credential-expiring"
        case ownCredentialIgnored = "own-credential-ignored"

        /// The `MESSAGE_ID`: 32 lower-case hex digits, as journald writes them.
        public var messageID: String {
            switch self {
            case .daemonStarted: "0923313fce0c4456b2d057c5128afa32"
            case .daemonReloaded: "5db4a9d278c64c339451b89542742c69"
            case .daemonStopping: "ee9b79a00d584301a3ad1d1802077852"
            case .reloadRefused: "47295406ea614eee8bd65c46bf1ded53"
            case .pollSucceeded: "a6b6b3b8501a4bef9ec61bb66402624c"
            case .pollFailed: "c76ff46216304d83b97f629801f65f18"
            case .pollRecovered: "1fce8f118e7b49a692520f1ed497d1ff"
            case .tokenDiscovered: "7cedc874762e420e925ebbf43aa16035"
            case .tokenChanged: "61cd6d4a83fb496b922d8ba4ab5a4d5a"
            case .tokenDisappeared: "7746b185e64d41f488ead4d2e27368c3"
            case .tokenReappeared: "ece83c59c3f94483b9fe01b96e7c49c9"
            case .tokenNotified: "c405a54d5fc54559b1ae478ab0f2ba56"
            case .wouldAct: "4746f7e3ceb54795969d14232f6f15a2"
            case .heldOwnCredential: "2bd193bde1b74176b7554fbabf010642"
            case .needsPerson: "d8ec6eed762646f4ada59cfdb7be5ec6"
            case .tokenRevoked: "56a4982e7dea47d2b0fdae9b74228699"
            case .revokeFailed: "66bd44e6230d4c3e8be878e93af0fff0"
            case .rotationDelivered: "5e9cc12a912a47caa147e50265918026"
            case .tokenRotated: "fcab8fdbfd8e4671b8eb672f6f87a8e3"
            case .rotationFailed: "b10b7299cf034a389b32f6281d4e11ff"
            case .rotationStalled: "3438be61338741069fccd4e20b06dcad"
            case .limitReached: "f31773fbc0c5464eab7ed0e0b9fefc60"
            case .actionDeferred: "ee0adc52db1948abbcbf8cc04533d9c1"
            case .storeDamaged: "ac37cc138db54bde85506c1a349cff91"
            case .reportsPending: "718b8a7ec7d543adb130b9770c154159"
            case .notificationSent: "de51d82423634f6ca0cc5d7740602562"
            case .notificationFailed: "02ed7512923f450eaa4e5b941d972f8e"
            case .notificationUndeliverable: "3bab1c33e7f04e50bcec8015953b2873"
            case .heldByAdmin: "1dcc0a0446b046ffaad02915dbd33acb"
            case .noticeEscalated: "d69a9bd7f9754ae487ca8aa0e86155ac"
            case .ownersUnresolved: "f0529f4899b84a80a660d505353031df"
            case .providerFailing: "aecce67cca6147ab9f3ae901295d5af8"
            case .templateRejected: "3f3bb84dcdfc4749a87f2ce34ffc6878"
            case .metricsNotWritten: "5f610642cba048fc82bd690cee669c01"
            case .metricsNotServed: "14f054488ab9434c9afdb6523a601931"
            case .writesGaveUp: "0780ce3d4fb14f6c9903243647fd48ea"
            case .switchOverStalled: "78e5cf572cdd47e398ad6ce5e41b7715"
            case .rehearsalPassed: "03b1622fb7fc4a36a0361364593a4f6b"
            case .rehearsalFailed: "9b5194ec59e14aa29d2169a975c18293"
            case .cycleSkipped: "8c5ffe43188c45d290f8f0ef89905ce2"
            case .manyChanges: "d5c50fe2c9514b99b2da2fead3ad51f9"
            case .providerUnusable: "f84d963fa9ae447688f13d3af73ebfd0"
            case .cycleFailed: "f4752b4359834f7f8266487673ecce1e"
            case .paused: "ae9eeb1b414241439f4bf18e08405e22"
            case .resumed: "301c87de7c0240549b279a374566ebf4"
            case .heldOutsideWindow: "da23602f4be643aea0d0d1673f08af40"
            case .approvalRequested: "29268604c130488fb7ccc95e7ef0d17a"
            case .approvalDecided: "385dee80c28e442fa82eb9ff5bd161c4"
            case .approvalExpired: "1c25a851158447cc875e10f367f222bb"
            case .ownCredentialExpiring: "619822b03ffc44de9339aa32a21c0294"
            case .ownCredentialIgnored: "40a6a119163d4dbcf05d2e0460b89201"
            }
        }
    }

    /// Severity, as syslog and the journal grade it (the raw value is the syslog level). Ordered by
    /// severity: `.critical` is the greatest, so `priority >= .error` means "an error or worse".
    public enum Priority: Int, Sendable, Hashable, Comparable {
        case critical = 2
        case error = 3
        case warning = 4
        case notice = 5
        case info = 6

        public static func < (lhs: Priority, rhs: Priority) -> Bool { lhs.rawValue > rhs.rawValue }
    }

    public var kind: Kind
    public var priority: Priority
    public var message: String
    public var provider: String?
    /// The token the entry is about, with its facts (owner, expiry, last use) as fields.
    public var token: Token?
    /// A token known only by id and name (a history entry of a poll).
    public var tokenID: String?
    public var tokenName: String?
    public var rule: String?
    public var action: RuleAction?
    public var detail: String?

    public init(
        _ kind: Kind, _ priority: Priority, _ message: String, provider: String? = nil, token: Token? = nil,
        tokenID: String? = nil, tokenName: String? = nil, rule: String? = nil, action: RuleAction? = nil, detail: String? = nil
    ) {
        self.kind = kind
        self.priority = priority
        self.message = message
        self.provider = provider ?? token?.provider
        self.token = token
        self.tokenID = tokenID ?? token?.id
        self.tokenName = tokenName ?? token?.name
        self.rule = rule
        self.action = action
        self.detail = detail
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

    /// `message_id`, `event` and the facts, which the journal handler turns into `MESSAGE_ID` and
    /// `TOKENWARDEN_*` fields.
    public var metadata: Logger.Metadata {
        var metadata: Logger.Metadata = ["message_id": .string(kind.messageID), "event": .string(kind.rawValue)]
        if let provider { metadata["provider"] = .string(provider) }
        if let tokenID { metadata["token_id"] = .string(tokenID) }
        if let tokenName { metadata["token_name"] = .string(tokenName) }
        if let token {
            if let owner = token.owner { metadata["owner"] = .string(owner) }
            if let expires = token.expiresAt { metadata["expires_at"] = .string(ProviderTimestamp.format(expires)) }
            if let used = token.lastUsedAt { metadata["last_used"] = .string(ProviderTimestamp.format(used)) }
        }
        if let rule { metadata["rule"] = .string(rule) }
        if let action { metadata["action"] = .string(action.rawValue) }
        if let detail { metadata["detail"] = .string(detail) }
        return metadata
    }

    /// Logs the entry; `CODE_FILE`/`CODE_LINE`/`CODE_FUNC` name the caller.
    public func log(to logger: Logger, file: String = #fileID, function: String = #function, line: UInt = #line) {
        logger.log(level: level, "\(message)", metadata: metadata, file: file, function: function, line: line)
    }
}
