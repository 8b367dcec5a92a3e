import Foundation
import Testing
import TokenWardenConfig
import TokenWardenCore
import TokenWardenTestSupport

@Suite struct CredentialLoaderTests {
    static let secret = "PLANTED-secret-0b7c91"

    @Test(arguments: [0o600, 0o400])
    func acceptsFilesOnlyTheOwnerCanRead(mode: Int) throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("cred", "client:\(Self.secret)\n", mode: mode)
        let loaded = try CredentialLoader(environment: [:]).load(.file(path: path), kind: .sailPoint)
        #expect(loaded.credential.publicIdentifier == "client")
        #expect(loaded.path == path && loaded.mode == mode_t(mode))
    }

    @Test(arguments: [(0o640, "0640"), (0o604, "0604"), (0o644, "0644"), (0o660, "0660"), (0o602, "0602")])
    func refusesFilesGroupOrOthersCanAccess(mode: Int, shown: String) throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("cred", Self.secret, mode: mode)
        #expect {
            try CredentialLoader(environment: [:]).load(.file(path: path), kind: .awx)
        } throws: { error in
            "\(error)" == "credential file \(path) has mode \(shown): group or others may access it; run: chmod 600 \(path)"
        }
    }

    @Test func namesAMissingFileAndADirectory() throws {
        let dir = try TemporaryDirectory()
        let loader = CredentialLoader(environment: [:])
        #expect(throws: CredentialError("credential file \(dir.path)/none does not exist")) {
            try loader.load(.file(path: dir.path + "/none"), kind: .awx)
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: dir.path)
        #expect(throws: CredentialError("credential file \(dir.path) is not a regular file")) {
            try loader.load(.file(path: dir.path), kind: .awx)
        }
    }

    @Test func resolvesSystemdCredentialsInTheCredentialsDirectory() throws {
        let dir = try TemporaryDirectory()
        try dir.write("pco", "app:\(Self.secret)", mode: 0o400)
        let loader = CredentialLoader(environment: ["CREDENTIALS_DIRECTORY": dir.path])
        #expect(try loader.path(of: .systemd(name: "pco")) == dir.path + "/pco")
        #expect(try loader.load(.systemd(name: "pco"), kind: .planningCenter).credential.publicIdentifier == "app")
        #expect {
            try CredentialLoader(environment: [:]).load(.systemd(name: "pco"), kind: .planningCenter)
        } throws: { error in
            "\(error)".hasPrefix("\"pco\" names a systemd credential, but $CREDENTIALS_DIRECTORY is not set")
        }
    }

    @Test func aMalformedCredentialIsNamedButNeverQuoted() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("cred", Self.secret + "\n", mode: 0o600)
        #expect {
            try CredentialLoader(environment: [:]).load(.file(path: path), kind: .sailPoint)
        } throws: { error in
            let message = "\(error)"
            return message == "credential file \(path) (for SailPoint IdentityNow v3): expected CLIENT_ID:CLIENT_SECRET on one line"
                && !message.contains(Self.secret)
        }
    }

    @Test func aSymbolicLinkIsRefusedEvenToAPrivateFile() throws {
        let dir = try TemporaryDirectory()
        let target = try dir.write("real", "token\n", mode: 0o600)
        try FileManager.default.createSymbolicLink(atPath: dir.subpath("link"), withDestinationPath: target)
        #expect(
            throws: CredentialError(
                "credential file \(dir.path)/link is a symbolic link; name the file itself, so nobody can point tokenwarden elsewhere by "
                    + "changing the link"
            )
        ) {
            try CredentialLoader(environment: [:]).load(.file(path: dir.subpath("link")), kind: .awx)
        }
    }

    @Test(.enabled(if: getuid() == 0, "giving a file to another user needs root"))
    func aFileOfAnotherUserIsRefusedAndTheMessageSaysWhatToRun() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("awx", "token\n", mode: 0o600)
        #expect(chown(path, 12_345, 12_345) == 0)
        #expect(
            throws: CredentialError(
                "credential file \(path) belongs to uid 12345; it must belong to the user tokenwarden runs as (uid 0) or to root: run chown 0 \(path)"
            )
        ) {
            try CredentialLoader(environment: [:]).load(.file(path: path), kind: .awx)
        }
    }
}
