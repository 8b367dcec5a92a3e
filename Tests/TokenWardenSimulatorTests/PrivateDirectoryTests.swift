import Foundation
import Testing
import TokenWardenSimulator

/// `simulate` and `demo` on a shared host: nothing another user planted is followed or trusted.
@Suite struct PrivateDirectoryTests {
    func scratch() throws -> String { try PrivateDirectory.fresh(prefix: "tokenwarden-test").path }

    @Test func aFreshDirectoryIsUnpredictableAndPrivate() throws {
        let (a, b) = (try scratch(), try scratch())
        defer {
            try? FileManager.default.removeItem(atPath: a)
            try? FileManager.default.removeItem(atPath: b)
        }
        #expect(a != b)
        #expect(try FileManager.default.attributesOfItem(atPath: a)[.posixPermissions] as? Int == 0o700)
    }

    @Test func aPlantedLinkIsNeitherFollowedNorReplaced() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let victim = root + "/victim"
        #expect(FileManager.default.createFile(atPath: victim, contents: Data("keep".utf8)))
        try FileManager.default.createSymbolicLink(atPath: root + "/awx.credential", withDestinationPath: victim)
        #expect(throws: SimulatorError.self) { try PrivateDirectory(root).create("awx.credential", "secret") }
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep")
        try FileManager.default.createSymbolicLink(atPath: root + "/linked-dir", withDestinationPath: root)
        #expect(throws: SimulatorError.self) { try PrivateDirectory(root + "/linked-dir") }
    }

    @Test func aFileOfAnEarlierRunIsReplacedPrivately() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let directory = try PrivateDirectory(root)
        try directory.create("tokenwarden.toml", "old", mode: 0o644)
        let path = try directory.create("tokenwarden.toml", "new")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new")
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
    }
}
