import Foundation

/// Places in a rotation, or in sending a notification, where a test can make tokenwarden die with SIGKILL, named by the environment
/// variable `TOKENWARDEN_TEST_CRASH_AT` (e.g. `after-create`). The SIGKILL tests kill the real process
/// at each of them and prove that the next start resumes or compensates. Unset, nothing happens.
/// Debug builds only (the tests'): a release build never reads the variable, so nobody who can set
/// the environment of an installed tokenwarden can make it die half-way through a rotation.
public enum CrashPoint: String, Sendable, CaseIterable {
    /// Planned and committed; the provider not yet asked.
    case beforeCreate = "before-create"
    /// The provider made the new token; its id is not yet committed.
    case afterCreate = "after-create"
    /// `created` committed; the secret not yet spooled.
    case afterCreated = "after-created"
    /// The secret spooled; not yet delivered.
    case afterSpool = "after-spool"
    /// Delivered; `delivered` not yet committed.
    case afterDeliver = "after-deliver"
    /// `delivered` committed.
    case afterDelivered = "after-delivered"
    /// The old token revoked at the provider; not yet committed.
    case afterRevokeOld = "after-revoke-old"
    /// A notification queued and committed; not yet sent.
    case beforeSend = "before-send"
    /// A notification taken by its channel; `sent` not yet committed.
    case afterSend = "after-send"

    /// The points of a rotation, in order.
    public static let rotation: [CrashPoint] = [
        .beforeCreate, .afterCreate, .afterCreated, .afterSpool, .afterDeliver, .afterDelivered, .afterRevokeOld,
    ]

    #if DEBUG
        static let environmentKey = "TOKENWARDEN_TEST_CRASH_AT"
        private static let armed = ProcessInfo.processInfo.environment[environmentKey].flatMap(CrashPoint.init(rawValue:))
    #endif

    /// Dies here, at once and without cleanup, when this is the armed point (debug builds only).
    @inline(__always)
    func pass() {
        #if DEBUG
            if Self.armed == self { kill(getpid(), SIGKILL) }
        #endif
    }
}
