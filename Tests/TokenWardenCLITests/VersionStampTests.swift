import Foundation
import Testing
import TokenWardenTestSupport

extension SubprocessSuites {
    /// The version of a build (`--version`, the package's): CHANGELOG.md's top version and the
    /// commit, growing with every commit as dpkg compares versions.
    @Suite struct VersionStampTests {
        static let script = PackagingTests.packaging + "/../scripts/version-stamp"

        func git(_ arguments: [String], in directory: String) async throws {
            let result = try await PackagingTests.run(
                "/usr/bin/git", ["-C", directory, "-c", "user.name=t", "-c", "user.email=t@example.org"] + arguments)
            try #require(result.status == 0, "\(result.output)")
        }

        func stamp(_ directory: String) async throws -> String {
            try await PackagingTests.run("/bin/sh", [Self.script, directory]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func newer(_ left: String, than right: String) async throws -> Bool {
            try await PackagingTests.run("/usr/bin/dpkg", ["--compare-versions", left, "gt", right]).status == 0
        }

        @Test func eachCommitsVersionSortsAfterTheLastAndAfterTheRelease() async throws {
            let tree = try TemporaryDirectory()
            _ = try tree.write("CHANGELOG.md", "# Changelog\n\n## 0.2.0 (unreleased)\n\n## 0.1.0\n")
            #expect(try await stamp(tree.path) == "0.2.0+git0.unknown", "no history, and it says so")
            try await git(["init", "-q"], in: tree.path)
            try await git(["add", "."], in: tree.path)
            try await git(["commit", "-q", "-m", "one"], in: tree.path)
            let first = try await stamp(tree.path)
            #expect(first.range(of: #"^0\.2\.0\+git1\.g[0-9a-f]{7}$"#, options: .regularExpression) != nil, "\(first)")
            try await git(["commit", "-q", "--allow-empty", "-m", "two"], in: tree.path)
            let second = try await stamp(tree.path)
            #expect(second.hasPrefix("0.2.0+git2.g") && second != first)
            #expect(try await newer(second, than: first))
            #expect(try await newer(first, than: "0.2.0~rc1"))
            #expect(try await newer(first, than: "0.1.0"))
            #expect(try await newer(first, than: "0.2.0+git0.unknown"), "a build without history never blocks an upgrade")
        }

        @Test func theBinaryPrintsItsVersionAndCommit() async throws {
            let top = PackagingTests.packaging + "/.."
            let printed = try await PackagingTests.run(BuiltProduct.executable, ["--version"]).output
            let commit = try await PackagingTests.run("/usr/bin/git", ["-C", top, "rev-parse", "HEAD"]).output
                .trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(printed == "\(try await stamp(top)) (commit \(commit))\n")
        }
    }
}
