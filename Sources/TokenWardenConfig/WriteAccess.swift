import Foundation

/// Who may change a file tokenwarden takes orders from: the config and the policies choose which
/// tokens are revoked and which commands run with tokenwarden's rights. Like sshd's StrictModes, a
/// file or directory someone else could rewrite is refused: it must belong to root or to the user
/// tokenwarden runs as (to root alone when that is root), and neither group nor others may write
/// it. A world-writable directory with the sticky bit (/tmp) is accepted for a file owned so.
public enum WriteAccess {
    /// Why `path` cannot be trusted (a message for a problem located at `path`), or nil. A missing
    /// path is not this check's business.
    public static func problem(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return problem(info, path: path)
    }

    /// The same for what `fstat` said of an open file (no window between the check and the read).
    public static func problem(_ info: stat, path: String) -> String? {
        let euid = geteuid()
        let trusted: Set<uid_t> = euid == 0 ? [0] : [0, euid]
        let directory = info.st_mode & S_IFMT == S_IFDIR
        let what = directory ? "directory" : "file"
        let mode = info.st_mode & 0o7777
        let owner = euid == 0 ? "root" : "root or uid \(euid)"
        if !trusted.contains(info.st_uid) {
            return "this \(what) belongs to uid \(info.st_uid), so someone other than \(owner) can change what tokenwarden does; "
                + "run: chown root \(path)"
        }
        let sticky = directory && mode & 0o1000 != 0
        if mode & 0o022 != 0 && !sticky {
            let fix = directory ? "chmod go-w \(path)" : "chmod 0640 \(path)"
            return "this \(what) has mode \(String(format: "%04o", mode)): group or others may change it, and with it what tokenwarden revokes "
                + "and which commands it runs; run: \(fix)"
        }
        return nil
    }
}
