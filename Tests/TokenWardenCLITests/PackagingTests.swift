import Foundation
import Testing
import TokenWardenJournal
import TokenWardenTestSupport

/// The shipped unit, sysusers and tmpfiles snippets, checked by systemd's own tools.
@Suite struct PackagingTests {
    static let packaging = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("packaging").path

    /// Runs a system tool off the cooperative pool; stdout and stderr together.
    static func run(_ tool: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await BuiltProduct.offThePool { try BuiltProduct.capture(tool, arguments) }
    }

    /// The unit with ExecStart pointing at the binary under test (verify checks that it exists).
    static func unitUnderTest(in dir: TemporaryDirectory) throws -> String {
        let unit = try String(contentsOfFile: packaging + "/systemd/tokenwarden.service", encoding: .utf8)
            .replacingOccurrences(of: "ExecStart=/usr/bin/tokenwarden", with: "ExecStart=\(BuiltProduct.executable)")
        return try dir.write("tokenwarden.service", unit)
    }

    @Test func theUnitPassesSystemdAnalyzeVerify() async throws {
        let dir = try TemporaryDirectory()
        let result = try await Self.run("/usr/bin/systemd-analyze", ["verify", try Self.unitUnderTest(in: dir)])
        #expect(result.status == 0 && result.output.isEmpty, "\(result.output)")
    }

    @Test func theUnitsExposureIsAtMostOnePointFive() async throws {
        let dir = try TemporaryDirectory()
        let result = try await Self.run("/usr/bin/systemd-analyze", ["security", "--offline=yes", "--no-pager", try Self.unitUnderTest(in: dir)])
        let line = try #require(result.output.split(separator: "\n").first { $0.contains("Overall exposure level for tokenwarden.service:") })
        let score = try #require(Double(line.split(separator: ":").last?.split(separator: " ").first ?? ""))
        #expect(score <= 1.5, "\(line)")
    }

    /// The drop-in for `deliver.owner` passes `verify`, and costs the exposure its comment states (a
    /// drop-in's lines apply after the unit's, as appending them does).
    @Test func theDeliverOwnerDropInVerifiesAndCostsWhatItSays() async throws {
        let dir = try TemporaryDirectory()
        let dropIn = try String(contentsOfFile: Self.packaging + "/systemd/deliver-owner.conf", encoding: .utf8)
        let unit = try String(contentsOfFile: try Self.unitUnderTest(in: dir), encoding: .utf8)
        let combined = try dir.write("tokenwarden.service", unit + "\n" + dropIn)
        let verify = try await Self.run("/usr/bin/systemd-analyze", ["verify", combined])
        #expect(verify.status == 0 && verify.output.isEmpty, "\(verify.output)")
        let result = try await Self.run("/usr/bin/systemd-analyze", ["security", "--offline=yes", "--no-pager", combined])
        let line = try #require(result.output.split(separator: "\n").first { $0.contains("Overall exposure level for tokenwarden.service:") })
        let score = try #require(line.split(separator: ":").last?.split(separator: " ").first.map(String.init))
        #expect(dropIn.contains("exposure 1.4 becomes \(score)."), "\(line)")
    }

    @Test func sysusersCreatesTheUserAndTmpfilesItsDirectories() async throws {
        let root = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: root.subpath("etc"), withIntermediateDirectories: true)
        let users = try await Self.run("/usr/bin/systemd-sysusers", ["--root=\(root.path)", Self.packaging + "/sysusers.d/tokenwarden.conf"])
        #expect(users.status == 0, "\(users.output)")
        #expect(try String(contentsOfFile: root.subpath("etc/passwd"), encoding: .utf8).contains("tokenwarden:x:"))
        let files = try await Self.run(
            "/usr/bin/systemd-tmpfiles", ["--create", "--root=\(root.path)", Self.packaging + "/tmpfiles.d/tokenwarden.conf"])
        #expect(files.status == 0, "\(files.output)")
        #expect(try FileManager.default.attributesOfItem(atPath: root.subpath("var/lib/tokenwarden"))[.posixPermissions] as? Int == 0o700)
        #expect(FileManager.default.fileExists(atPath: root.subpath("etc/tokenwarden/policies.d")))
    }

    @Test func journalctlCompilesTheCatalogWithAnEntryPerMessageID() async throws {
        let root = try TemporaryDirectory()
        for directory in ["usr/lib/systemd/catalog", "var/lib/systemd/catalog"] {
            try FileManager.default.createDirectory(atPath: root.subpath(directory), withIntermediateDirectories: true)
        }
        try FileManager.default.copyItem(
            atPath: Self.packaging + "/journald/tokenwarden.catalog",
            toPath: root.subpath("usr/lib/systemd/catalog/tokenwarden.catalog"))
        let update = try await Self.run("/usr/bin/journalctl", ["--root=\(root.path)", "--update-catalog"])
        #expect(update.status == 0, "\(update.output)")
        let list = try await Self.run("/usr/bin/journalctl", ["--root=\(root.path)", "--list-catalog"])
        let ids = Set(
            list.output.split(separator: "\n").filter { $0.contains(" tokenwarden: ") }.compactMap { $0.split(separator: " ").first.map(String.init) }
        )
        #expect(ids == Set(JournalEvent.Kind.allCases.map(\.messageID)), "\(list.output)")
    }
}
