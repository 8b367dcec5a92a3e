import Foundation
import TokenWardenTestSupport

/// The uncompressed `.deb` that build-deb makes of the binary under test, built once per test run
/// and shared by the tests that inspect or install it: each build-deb run strips and splits the
/// debug binary, and four runs of it loaded both cores while timing tests ran beside them. Each
/// test process makes its own in `.build/debug/test-package/PID/` and removes those of processes
/// that have ended.
enum PackageUnderTest {
    /// The package's path; a failed build-deb is the error of every test that asks.
    static func path() async throws -> String { try await built.value }

    private static let built = Task<String, any Error> {
        let root = URL(fileURLWithPath: BuiltProduct.executable).deletingLastPathComponent().path + "/test-package"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [] {
            if let pid = pid_t(name), kill(pid, 0) == 0 || errno == EPERM { continue }
            try? FileManager.default.removeItem(atPath: root + "/" + name)
        }
        return try await build(into: root + "/\(getpid())")
    }

    /// build-deb on the binary under test into `directory`, uncompressed, as `version` (nil: its own).
    static func build(into directory: String, version: String? = nil) async throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let build = try await PackagingTests.run(
            "/usr/bin/env",
            ["DEB_COMPRESSION=none"] + (version.map { ["DEB_VERSION=\($0)"] } ?? [])
                + [PackagingTests.packaging + "/debian/build-deb", BuiltProduct.executable, directory])
        guard build.status == 0 else { throw NspawnContainer.Failure("build-deb failed: \(build.output)") }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        guard let name = names.first(where: { $0.hasPrefix("tokenwarden_") && $0.hasSuffix(".deb") }) else {
            throw NspawnContainer.Failure("build-deb made no tokenwarden_*.deb in \(directory): \(names)")
        }
        return directory + "/" + name
    }
}
