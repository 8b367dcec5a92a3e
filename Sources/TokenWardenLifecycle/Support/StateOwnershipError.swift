import Foundation

/// Root was about to act on a state directory another user owns. Its database and spool are that
/// user's to write: rotations resumed from them would run their deliveries, and revoke their
/// tokens, with root's rights, and root would leave files that user can no longer change.
public struct StateOwnershipError: Error, Sendable, CustomStringConvertible {
    public let directory: String
    public let owner: uid_t

    public var description: String {
        let user = getpwuid(owner).map { String(cString: $0.pointee.pw_name) } ?? "uid \(owner)"
        return "\(directory) belongs to \(user): run this command as that user, e.g. `sudo -u \(user) tokenwarden …`; "
            + "as root it would act on what that user's files say, with root's rights"
    }

    /// Throws when this process is root and `directory` exists and belongs to someone else.
    static func check(_ directory: String) throws(StateOwnershipError) {
        guard geteuid() == 0 else { return }
        var info = stat()
        guard stat(directory, &info) == 0, info.st_uid != 0 else { return }
        throw StateOwnershipError(directory: directory, owner: info.st_uid)
    }
}
