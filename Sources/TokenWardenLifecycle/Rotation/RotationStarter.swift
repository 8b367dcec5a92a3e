import Foundation
import TokenWardenCore
import TokenWardenStore

/// How a rotation starts, the same for enforced policy (`PolicyActuator`) and an admin's
/// `tokenwarden rotate`: one process rotates at a time (`RotationLock`), the successor is created
/// signed in as the token's owner (`creator`), and `TokenRotator` takes every step from there.
public struct RotationStarter: Sendable {
    /// The driver that creates `token`'s successor, signed in as its owner, given the provider's main
    /// driver (see `DriverFactory.creators`); without an owner credential, the main driver creates.
    public typealias Creator = @Sendable (_ token: Token, _ main: any ProviderDriver) throws -> any ProviderDriver

    public let rotator: TokenRotator
    let spool: SecretSpool
    let creator: Creator

    /// How long a rotation waits for another process's rotation to end before it is put off.
    public static let lockPatience: Duration = .seconds(30)

    public init(rotator: TokenRotator, creator: @escaping Creator) {
        self.rotator = rotator
        self.spool = rotator.spool
        self.creator = creator
    }

    /// Takes the rotation lock, waiting at most `lockPatience`: nil when another process still rotates.
    public func lock() async throws -> RotationLock? {
        try await RotationLock.acquire(spool: spool, patience: Self.lockPatience)
    }

    /// The owner's credential, which creates the successor, did not load: nothing was created.
    public struct OwnerCredentialError: Error, CustomStringConvertible {
        public let owner: String?
        public let reason: String

        public var description: String { "the credential of its owner \(owner ?? "?") cannot be used: \(reason)" }
    }

    /// The driver that creates `token`'s successor, signed in as its owner, given the provider's
    /// main `driver`: asked for before anything is recorded, so a credential that does not load
    /// leaves no trace but the refusal.
    public func signer(for token: Token, main driver: any ProviderDriver) throws(OwnerCredentialError) -> any ProviderDriver {
        do {
            return try creator(token, driver)
        } catch {
            throw OwnerCredentialError(owner: token.owner, reason: String(describing: error))
        }
    }

    /// Starts the rotation of `token`, carried as far as it can go now (`TokenRotator.rotate`), by a
    /// process that holds `lock`: `driver` lists and revokes, `signer` (`signer(for:main:)`) creates.
    public func rotate(
        _ token: Token, delivery: Delivery, overlap: TimeSpan, switchOver: SwitchOver = .afterOverlap, rule: String?, mode: ActionMode,
        reason: String, actorUID: UInt32? = nil, driver: any ProviderDriver, signer: any ProviderDriver, holding lock: RotationLock
    ) async throws -> RotationRecord {
        defer { withExtendedLifetime(lock) {} }
        return try await rotator.rotate(
            token, delivery: delivery, overlap: overlap, switchOver: switchOver, rule: rule, mode: mode, reason: reason,
            actorUID: actorUID, driver: driver, creator: signer)
    }
}
