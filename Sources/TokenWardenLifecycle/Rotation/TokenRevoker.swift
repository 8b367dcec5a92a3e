import Foundation
import TokenWardenCore
import TokenWardenStore

/// Revokes one token through its provider, with the audit trail written before and after the call:
/// a crash in between leaves a `planned` entry that says what was attempted.
/// The one revoke path for an admin's `tokenwarden revoke` and, later, for enforced policy.
public struct TokenRevoker: Sendable {
    /// How a revoke ended.
    public enum Outcome: Sendable, Equatable {
        case revoked
        /// The provider no longer had it (404): nothing left to do.
        case alreadyGone
        case failed(String)
    }

    let store: TokenStore
    let now: @Sendable () -> Date
    /// `[daemon] give_up_after`: failures in a row after which the token's writes are left for a person.
    let giveUpAfter: Int

    public init(store: TokenStore, giveUpAfter: Int = DaemonSettings.defaultGiveUpAfter, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.giveUpAfter = giveUpAfter
        self.now = now
    }

    /// `actorUID`: the real uid of the admin who asked, for a manual revoke.
    public func revoke(
        _ token: Token, with driver: any ProviderDriver, mode: ActionMode, rule: String?, reason: String, actorUID: UInt32? = nil
    ) async throws -> Outcome {
        let id = try store.recordAction(
            AuditedAction(
                provider: token.provider, tokenID: token.id, occurredAt: now(), rule: rule,
                action: .revoke, mode: mode, outcome: .planned, reason: reason, actorUID: actorUID))
        do {
            let result = try await driver.revoke(tokenID: token.id)
            try store.finishAction(id: id, outcome: .succeeded)
            let detail = result == .alreadyGone ? "the provider no longer had it" : "revoked by tokenwarden, \(mode.rawValue)"
            try store.markRevoked(provider: token.provider, tokenID: token.id, at: now(), detail: detail)
            try store.clearWriteFailures(provider: token.provider, tokenID: token.id)
            return result == .alreadyGone ? .alreadyGone : .revoked
        } catch {
            let message = String(describing: error)
            try store.finishAction(id: id, outcome: .failed, error: message)
            try store.noteWriteFailure(
                provider: token.provider, tokenID: token.id, error: "revoke failed: \(message)", at: now(), giveUpAfter: giveUpAfter)
            return .failed(message)
        }
    }
}
