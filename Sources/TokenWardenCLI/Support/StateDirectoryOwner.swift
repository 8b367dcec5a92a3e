import Foundation

/// Root becoming the owner of the state directory (the `tokenwarden` user on an installed system):
/// its supplementary groups, its group, then its user, for good (no way back to root).
enum StateDirectoryOwner {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Does nothing unless this process is root and `directory` exists and belongs to another user.
    static func become(_ directory: String) throws(Failure) {
        guard geteuid() == 0 else { return }
        var info = stat()
        guard stat(directory, &info) == 0, info.st_uid != 0 else { return }
        let uid = info.st_uid
        guard let entry = getpwuid(uid)?.pointee else {
            throw Failure(
                description: "\(directory) belongs to uid \(uid), which has no entry in the user database: "
                    + "tokenwarden cannot take on its groups; run the command as that user")
        }
        let user = String(cString: entry.pw_name)
        let gid = entry.pw_gid
        // glibc applies each of these to every thread of the process.
        guard initgroups(entry.pw_name, gid) == 0, setgid(gid) == 0, setuid(uid) == 0 else {
            let reason = String(cString: strerror(errno))
            throw Failure(
                description:
                    "cannot become \(user), the owner of \(directory): \(reason); run the command as that user (sudo -u \(user) tokenwarden …)")
        }
        guard setuid(0) != 0, getuid() == uid, geteuid() == uid else {
            throw Failure(description: "became \(user), the owner of \(directory), but root could be regained; refusing to go on")
        }
    }
}
