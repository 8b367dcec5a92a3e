import Foundation
import Synchronization
import Testing
import TokenWardenCore
import TokenWardenTestSupport

@testable import TokenWardenLifecycle

/// File delivery: atomic replacement, mode and owner, and failures that leave the old file alone.
@Suite struct SecretDelivererTests {
    static let facts = SecretDeliverer.Facts(provider: "p", tokenName: "n", oldTokenID: "1", newTokenID: "2", fingerprint: "sha256:0", rule: nil)

    @Test func replacesTheFileAtomicallyAndLeavesNoTemporaryFileBehind() async throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("token", "old-secret", mode: 0o644)
        try await SecretDeliverer().deliver(Secret("new-secret"), as: .file(path: path), facts: Self.facts)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new-secret")
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["token"])
    }

    @Test func aFailureAfterTheRenameIsAWarningNotAFailedDelivery() throws {
        // The consumer may already have read the new file: calling this a failed delivery would
        // revoke the token whose secret it holds.
        let dir = try TemporaryDirectory()
        let path = try dir.write("token", "old-secret", mode: 0o600)
        let warnings = try AtomicFile.write(
            Data("new-secret".utf8), to: path, mode: 0o600,
            syncDirectory: { _ in
                errno = EIO
                return -1
            })
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new-secret")
        #expect(warnings.count == 1 && warnings[0].contains("is in place, but flushing") && warnings[0].contains("Input/output error"), "\(warnings)")
    }

    /// A writer of the directory swaps the target name between a symlink to a private file and
    /// nothing, as fast as it can, while files are written there: the private file's mode and
    /// content never change (the mode is set on the descriptor, and rename replaces a link).
    @Test func aSymlinkSwappedInDuringTheWriteIsReplacedNeverFollowed() throws {
        let dir = try TemporaryDirectory()
        let victim = try dir.write("victim", "private", mode: 0o600)
        let path = dir.subpath("report.html")
        final class Flag: Sendable { let raised = Atomic<Bool>(false) }
        let stop = Flag()
        let finished = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            while !stop.raised.load(ordering: .relaxed) {
                unlink(path)
                symlink(victim, path)
            }
            finished.signal()
        }
        var written = 0
        for round in 0..<300 {
            if (try? AtomicFile.write(Data("report \(round)".utf8), to: path, mode: 0o644)) != nil { written += 1 }
        }
        stop.raised.store(true, ordering: .relaxed)
        finished.wait()
        #expect(written > 0)
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "private")
        #expect(try FileManager.default.attributesOfItem(atPath: victim)[.posixPermissions] as? Int == 0o600)
    }

    @Test(.enabled(if: getuid() == 0, "changing a file's owner needs root"))
    func givesTheFileToTheNamedOwnerWithTheNamedMode() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.subpath("token")
        try await SecretDeliverer().deliver(Secret("s3cret"), as: .file(path: path, owner: "nobody", mode: 0o640), facts: Self.facts)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect(attributes[.posixPermissions] as? Int == 0o640)
        #expect(attributes[.ownerAccountName] as? String == "nobody")
    }

    @Test(.enabled(if: getuid() == 0, "changing a file's owner needs root"))
    func numericIdsNeedNoEntryInThePasswordFile() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.subpath("token")
        try await SecretDeliverer().deliver(Secret("s3cret"), as: .file(path: path, owner: "4242:4343", mode: 0o640), facts: Self.facts)
        var info = stat()
        #expect(stat(path, &info) == 0 && info.st_uid == 4242 && info.st_gid == 4343)
    }

    @Test func anOwnerIsANameOrANumberForEitherPart() throws {
        let nobody = try #require(getpwnam("nobody")?.pointee)
        #expect(try SecretDeliverer.resolve("1234:5678") == (1234, 5678))
        #expect(try SecretDeliverer.resolve("nobody") == (nobody.pw_uid, nobody.pw_gid))
        #expect(try SecretDeliverer.resolve("\(nobody.pw_uid)") == (nobody.pw_uid, nobody.pw_gid), "a known uid alone gets its primary group")
        #expect(try SecretDeliverer.resolve("nobody:0") == (nobody.pw_uid, 0))
        let unknown = #expect(throws: DeliveryError.self) { try SecretDeliverer.resolve("4242") }
        #expect(unknown?.message == "deliver.owner: uid 4242 has no entry on this system to take a group from; write \"4242:GROUP\"")
        #expect(throws: DeliveryError.self) { try SecretDeliverer.resolve("4294967295:0") }
        #expect(throws: DeliveryError.self) { try SecretDeliverer.resolve("0:4294967295") }
    }

    @Test func anUnknownOwnerFailsAndTheOldFileIsUntouched() async throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("token", "old-secret", mode: 0o600)
        await #expect(throws: DeliveryError.self) {
            try await SecretDeliverer().deliver(Secret("new-secret"), as: .file(path: path, owner: "no-such-user-tw"), facts: Self.facts)
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old-secret")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["token"])
    }

    @Test func aMissingDirectoryIsAClearError() async throws {
        let error = await #expect(throws: DeliveryError.self) {
            try await SecretDeliverer().deliver(Secret("new-secret"), as: .file(path: "/nonexistent-tw/dir/token"), facts: Self.facts)
        }
        #expect(error?.message.hasPrefix("cannot create a temporary file in /nonexistent-tw/dir: No such file or directory") == true)
        #expect(error?.message.contains("new-secret") == false)
    }
}
