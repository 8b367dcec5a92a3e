import Foundation

/// Who runs an admin command, for the audit trail, read before root becomes the state directory's
/// owner. The real uid is what the kernel says and is always recorded, in its own field too.
/// `SUDO_USER` and `SUDO_UID` are only words in the environment, which any user can set: they are
/// believed only when the real uid is 0 (sudo ran us as root) and they agree with the password
/// file (`SUDO_UID` numeric, and `SUDO_USER`'s entry has that uid). Even then the record proves
/// only that root ran the command and said who was behind it: a root shell can say anything.
struct AdminIdentity: Sendable, CustomStringConvertible {
    /// The real uid of the process.
    let uid: uid_t
    /// "alice (uid 1000) via sudo as root (uid 0)", or "nobody (uid 65534)".
    let description: String

    static func current(
        environment: [String: String] = ProcessInfo.processInfo.environment, realUID: uid_t = getuid(),
        userID: (String) -> uid_t? = { name in getpwnam(name).map { $0.pointee.pw_uid } },
        userName: (uid_t) -> String? = { uid in getpwuid(uid).map { String(cString: $0.pointee.pw_name) } }
    ) -> AdminIdentity {
        let name = userName(realUID) ?? "uid \(realUID)"
        let own = "\(name) (uid \(realUID))".terminalSafe
        guard realUID == 0, let sudoUser = environment["SUDO_USER"], !sudoUser.isEmpty, sudoUser != name else {
            return AdminIdentity(uid: realUID, description: own)
        }
        guard let text = environment["SUDO_UID"], !text.isEmpty, text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber),
            let sudoUID = uid_t(text), userID(sudoUser) == sudoUID
        else {
            return AdminIdentity(uid: realUID, description: own + " (SUDO_USER and SUDO_UID ignored: they do not match the password file)")
        }
        return AdminIdentity(uid: realUID, description: "\(sudoUser) (uid \(sudoUID)) via sudo as \(own)".terminalSafe)
    }
}
