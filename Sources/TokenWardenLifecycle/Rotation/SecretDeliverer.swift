import Foundation
import TokenWardenCore

/// Puts a new secret where a rotate rule says: an atomic 0600 file, or a program's standard input.
/// Both are idempotent from tokenwarden's side, so a delivery interrupted by a crash is simply repeated.
public struct SecretDeliverer: Sendable {
    /// What the delivery is about, given to a command as `TOKENWARDEN_*` environment variables.
    public struct Facts: Sendable {
        public var provider: String
        public var tokenName: String
        public var oldTokenID: String
        public var newTokenID: String
        public var fingerprint: String
        public var rule: String?
    }

    public init() {
        // A command that exits without reading its input must fail the delivery, not kill tokenwarden.
        signal(SIGPIPE, SIG_IGN)
    }

    /// Delivers, or throws when the consumer does not have the secret; returns warnings about a
    /// delivery that did reach it (a file in place whose directory could not be flushed).
    @discardableResult
    public func deliver(_ secret: Secret, as delivery: Delivery, facts: Facts) async throws -> [String] {
        switch delivery.target {
        case .file(let path):
            return try AtomicFile.write(Data(secret.reveal().utf8), to: path, mode: delivery.mode, owner: try delivery.owner.map(Self.resolve))
        case .command(let argv):
            try await run(argv, input: secret, environment: environment(for: facts), timeout: delivery.timeout)
            return []
        case .ownCredential:
            // `TokenRotator` hands these to its `OwnCredentialKeeper`, which proves the sign-in first.
            throw DeliveryError("tokenwarden's own credential is kept only by its own-credential rotation")
        }
    }

    /// `PATH` and the facts, nothing inherited: the daemon's environment may name its own credentials.
    func environment(for facts: Facts) -> [String: String] {
        var environment = [
            "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "TOKENWARDEN_PROVIDER": facts.provider,
            "TOKENWARDEN_TOKEN_NAME": facts.tokenName,
            "TOKENWARDEN_TOKEN_ID": facts.newTokenID,
            "TOKENWARDEN_OLD_TOKEN_ID": facts.oldTokenID,
            "TOKENWARDEN_FINGERPRINT": facts.fingerprint,
        ]
        if let rule = facts.rule { environment["TOKENWARDEN_RULE"] = rule }
        return environment
    }

    /// Runs `argv` with the secret on standard input; exit 0 of that program within `timeout` is success.
    ///
    /// Through swift-subprocess rather than Foundation's `Process`, which hands the child its own
    /// descriptors (a background `sleep 120 &` then held the rotation past its timeout) and lets it
    /// inherit the daemon's ignored SIGPIPE. Here the program starts in a process group of its own,
    /// with every descriptor but 0-2 closed, default signal dispositions and an empty signal mask.
    /// Success is judged by that program's own exit, whatever it left running in the background (the
    /// unit's `KillMode=control-group` ends such leftovers when tokenwarden stops). At the timeout
    /// the whole group gets SIGTERM, then SIGKILL two seconds later.
    ///
    /// Its output goes to /dev/null, never quoted or stored: a program may echo the secret in forms
    /// no scrubbing can know (encoded, split, partial).
    func run(_ argv: [String], input secret: Secret, environment: [String: String], timeout: TimeSpan) async throws {
        try await ChildProcess.run(
            argv, input: { Array(secret.reveal().utf8) }, environment: environment, timeout: timeout,
            outputNote: "its output is not kept, since it may hold the secret: run it by hand to see what it says")
    }

    /// `user` or `user:group` to ids; a user alone gets its primary group. Either part may be a
    /// number, taken as the id itself (a user or group that exists only as an id, e.g. in a container).
    static func resolve(_ owner: String) throws -> (uid: uid_t, gid: gid_t) {
        let parts = owner.split(separator: ":").map(String.init)
        let uid: uid_t
        let primaryGroup: gid_t?
        if let number = uid_t(parts[0]) {
            // (uid_t)-1 tells chown "leave it as it is", which is not what an admin wrote.
            guard number != uid_t.max else { throw DeliveryError("deliver.owner: \(number) is not a user id") }
            uid = number
            primaryGroup = getpwuid(number)?.pointee.pw_gid
        } else if let user = getpwnam(parts[0]) {
            uid = user.pointee.pw_uid
            primaryGroup = user.pointee.pw_gid
        } else {
            throw DeliveryError("deliver.owner: there is no user \"\(parts[0])\" on this system")
        }
        guard parts.count == 2 else {
            guard let primaryGroup else {
                throw DeliveryError("deliver.owner: uid \(uid) has no entry on this system to take a group from; write \"\(uid):GROUP\"")
            }
            return (uid, primaryGroup)
        }
        if let number = gid_t(parts[1]) {
            guard number != gid_t.max else { throw DeliveryError("deliver.owner: \(number) is not a group id") }
            return (uid, number)
        }
        guard let group = getgrnam(parts[1]) else { throw DeliveryError("deliver.owner: there is no group \"\(parts[1])\" on this system") }
        return (uid, group.pointee.gr_gid)
    }
}
