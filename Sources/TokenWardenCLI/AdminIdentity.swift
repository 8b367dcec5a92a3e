import Foundation

/// Who runs an admin command, for the audit trail: the user behind `sudo` (`SUDO_USER`, with its
/// uid), or the process's own user and uid. Read before root becomes the state directory's owner.
/// `SUDO_USER` is what sudo sets; a root shell could forge it, so the real uid is always recorded too.
enum AdminIdentity {
    static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let uid = getuid()
        let name = getpwuid(uid).map { String(cString: $0.pointee.pw_name) } ?? "uid \(uid)"
        let own = "\(name) (uid \(uid))"
        guard let sudoUser = environment["SUDO_USER"], !sudoUser.isEmpty, sudoUser != name else { return own }
        let sudoUID = environment["SUDO_UID"].map { " (uid \($0))" } ?? ""
        return "\(sudoUser)\(sudoUID) via sudo as \(own)".terminalSafe
    }
}
