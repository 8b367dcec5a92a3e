import Foundation
import Testing

@testable import TokenWardenCLI

/// Who the audit trail says ran a command: `SUDO_USER`/`SUDO_UID` are believed only from root and
/// only when they match the password file; the real uid is always what the kernel said.
@Suite struct AdminIdentityTests {
    static let users: [String: uid_t] = ["root": 0, "alice": 1000, "nobody": 65534]

    static func identity(_ environment: [String: String], realUID: uid_t) -> AdminIdentity {
        AdminIdentity.current(
            environment: environment, realUID: realUID, userID: { users[$0] },
            userName: { uid in users.first { $0.value == uid }?.key })
    }

    @Test(arguments: [
        // sudo as root, matching the password file: the user behind sudo is named.
        (["SUDO_USER": "alice", "SUDO_UID": "1000"], 0, "alice (uid 1000) via sudo as root (uid 0)"),
        // Not root: whatever the environment says is not sudo's word.
        (["SUDO_USER": "alice", "SUDO_UID": "1000"], 65534, "nobody (uid 65534)"),
        (["SUDO_USER": "alice", "SUDO_UID": "1000) via sudo as root (uid 0"], 65534, "nobody (uid 65534)"),
        // Root, but words that do not match the password file.
        (
            ["SUDO_USER": "alice", "SUDO_UID": "1000) via sudo as root (uid 0"], 0,
            "root (uid 0) (SUDO_USER and SUDO_UID ignored: they do not match the password file)"
        ),
        (["SUDO_USER": "alice", "SUDO_UID": "0"], 0, "root (uid 0) (SUDO_USER and SUDO_UID ignored: they do not match the password file)"),
        (["SUDO_USER": "mallory", "SUDO_UID": "1000"], 0, "root (uid 0) (SUDO_USER and SUDO_UID ignored: they do not match the password file)"),
        (["SUDO_USER": "alice"], 0, "root (uid 0) (SUDO_USER and SUDO_UID ignored: they do not match the password file)"),
        ([:], 0, "root (uid 0)"),
    ])
    func sudoWordsAreBelievedOnlyFromRootAndOnlyWhenThePasswordFileAgrees(environment: [String: String], realUID: Int, shown: String) {
        let identity = Self.identity(environment, realUID: uid_t(realUID))
        #expect(identity.description == shown)
        #expect(identity.uid == uid_t(realUID))
    }
}
