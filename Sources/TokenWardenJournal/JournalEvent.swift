/// Every kind of journal entry tokenwarden writes, each with a fixed 128-bit `MESSAGE_ID`.
/// The ids never change once shipped: admins filter on them (`journalctl MESSAGE_ID=…`), and
/// `packaging/journald/tokenwarden.catalog` explains each one (a test keeps the two in step).
public enum JournalEvent: String, CaseIterable, Sendable {
    case daemonStarted = "daemon-started"
    case daemonReloaded = "daemon-reloaded"
    case daemonStopping = "daemon-stopping"
    case policyRejected = "policy-rejected"
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

    /// The `MESSAGE_ID`: 32 lower-case hex digits, as journald writes them.
    public var messageID: String {
        switch self {
        case .daemonStarted: "0923313fce0c4456b2d057c5128afa32"
        case .daemonReloaded: "5db4a9d278c64c339451b89542742c69"
        case .daemonStopping: "ee9b79a00d584301a3ad1d1802077852"
        case .policyRejected: "47295406ea614eee8bd65c46bf1ded53"
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
        }
    }
}
