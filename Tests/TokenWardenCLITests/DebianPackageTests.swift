import Foundation
import Testing
import TokenWardenTestSupport

extension SubprocessSuites {
    /// `make deb`'s packing step on the binary under test, inspected with dpkg-deb.
    @Suite struct DebianPackageTests {
        @Test func theDebHoldsTheBinaryUnitSnippetsCatalogManPageCompletionsAndConffiles() async throws {
            let path = try await PackageUnderTest.path()
            #expect(URL(fileURLWithPath: path).lastPathComponent.hasPrefix("tokenwarden_\(try await Self.version())_"))

            let contents = try await PackagingTests.run("/usr/bin/dpkg-deb", ["-c", path]).output
            for file in [
                "./usr/bin/tokenwarden", "./usr/lib/systemd/system/tokenwarden.service", "./usr/lib/sysusers.d/tokenwarden.conf",
                "./usr/lib/tmpfiles.d/tokenwarden.conf", "./usr/lib/systemd/catalog/tokenwarden.catalog",
                "./usr/share/man/man1/tokenwarden.1.gz", "./usr/share/man/man5/tokenwarden.toml.5.gz",
                "./usr/share/man/man5/tokenwarden-policies.5.gz",
                "./usr/share/bash-completion/completions/tokenwarden",
                "./usr/share/zsh/vendor-completions/_tokenwarden", "./usr/share/fish/vendor_completions.d/tokenwarden.fish",
                "./usr/share/doc/tokenwarden/examples/deliver-owner.conf",
                "./usr/share/tokenwarden/prometheus/tokenwarden.rules.yml", "./usr/share/tokenwarden/prometheus/tokenwarden.rules.test.yml",
                "./etc/tokenwarden/tokenwarden.toml", "./etc/tokenwarden/policies.d/10-baseline.toml",
            ] {
                #expect(contents.contains(" \(file)\n"), "missing \(file)")
            }
            #expect(contents.contains("root/root"))

            let conffiles = try await PackagingTests.run("/usr/bin/dpkg-deb", ["-I", path, "conffiles"]).output
            #expect(
                conffiles.split(separator: "\n") == [
                    "/etc/tokenwarden/policies.d/10-baseline.toml",
                    "/etc/tokenwarden/policies.d/20-rotation.toml", "/etc/tokenwarden/tokenwarden.toml",
                ])
            let postinst = try await PackagingTests.run("/usr/bin/dpkg-deb", ["-I", path, "postinst"]).output
            for step in [
                "systemd-sysusers /usr/lib/sysusers.d/tokenwarden.conf", "systemd-tmpfiles --create", "journalctl --update-catalog",
                "chgrp tokenwarden \"$f\"", "chmod 0640 \"$f\"",
            ] {
                #expect(postinst.contains(step), "postinst lacks \(step)")
            }
            // A failed user or directory creation is said and fails the install, never swallowed.
            #expect(!postinst.contains("systemd-sysusers /usr/lib/sysusers.d/tokenwarden.conf || true"))
            #expect(!postinst.contains("--create /usr/lib/tmpfiles.d/tokenwarden.conf || true"))
            #expect(
                try await PackagingTests.run("/usr/bin/dpkg-deb", ["-f", path, "Package", "Depends"]).output
                    == "Package: tokenwarden\nDepends: libc6 (>= 2.36), libsqlite3-0, libsystemd0\n")

            // The man page is the CLI's own help, rendered.
            let extracted = try TemporaryDirectory()
            _ = try await PackagingTests.run("/usr/bin/dpkg-deb", ["-x", path, extracted.path])
            let man = try await PackagingTests.run("/bin/sh", ["-c", "gzip -dc \(extracted.subpath("usr/share/man/man1/tokenwarden.1.gz"))"]).output
            #expect(man.hasPrefix(".TH TOKENWARDEN 1"))
            #expect(man.contains(".SS rotate") && man.contains("OVERVIEW: Rotate one token now"))
        }

        /// As Debian ships a binary: stripped, with a build-id and a `.gnu_debuglink`, its symbols in a
        /// -dbgsym package where gdb finds them; a DEP-5 copyright covering every resolved package; a
        /// changelog from CHANGELOG.md; and nothing lintian calls an error or a warning.
        @Test func theDebIsStrippedWithAMatchingDbgsymAndLintianClean() async throws {
            let out = try TemporaryDirectory()
            let build = try await PackagingTests.run(
                "/usr/bin/env",
                [
                    "DEB_COMPRESSION=gzip", "DEB_COMPRESSION_LEVEL=1", PackagingTests.packaging + "/debian/build-deb",
                    BuiltProduct.executable, out.path,
                ])
            try #require(build.status == 0, "\(build.output)")
            let names = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
            let deb = out.subpath(try #require(names.first { $0.hasPrefix("tokenwarden_") && $0.hasSuffix(".deb") }))
            let dbgsym = out.subpath(try #require(names.first { $0.hasPrefix("tokenwarden-dbgsym_") && $0.hasSuffix(".deb") }))

            // The debug build links the Swift runtime from /opt/swift (a RUNPATH); `make deb`'s release
            // build links it statically, so only here is that tag expected.
            let lintian = try await PackagingTests.run(
                "/usr/bin/lintian", ["--suppress-tags", "custom-library-search-path", "--display-info", deb, dbgsym])
            #expect(lintian.status == 0, "lintian ran and found no error: \(lintian.output)")
            let hints = lintian.output.split(separator: "\n").filter { $0.hasPrefix("E:") || $0.hasPrefix("W:") }
            #expect(hints.isEmpty, "\(lintian.output)")
            // The binary does embed zlib (swift-nio-extras'): no error means the override was read and used.
            let binaryText = try await PackagingTests.run("/bin/sh", ["-c", "strings -a '\(BuiltProduct.executable)' | grep -c 'inflate 1\\.'"])
            #expect(binaryText.output.trimmingCharacters(in: .whitespacesAndNewlines) != "0")
            #expect(!lintian.output.contains("unused-override") && !lintian.output.contains("unused override"), "\(lintian.output)")

            let installed = try TemporaryDirectory()
            _ = try await PackagingTests.run("/usr/bin/dpkg-deb", ["-x", deb, installed.path])
            _ = try await PackagingTests.run("/usr/bin/dpkg-deb", ["-x", dbgsym, installed.path])
            let binary = installed.subpath("usr/bin/tokenwarden")
            let sections = try await PackagingTests.run("/usr/bin/readelf", ["-S", "-W", binary]).output
            #expect(sections.contains(".gnu_debuglink") && !sections.contains(".debug_info") && !sections.contains(".symtab"))
            let notes = try await PackagingTests.run("/usr/bin/readelf", ["-n", binary]).output
            let buildID = try #require(notes.split(separator: "\n").first { $0.contains("Build ID:") }?.split(separator: " ").last)
            let symbols = "usr/lib/debug/.build-id/\(buildID.prefix(2))/\(buildID.dropFirst(2)).debug"
            #expect(FileManager.default.fileExists(atPath: installed.subpath(symbols)), "\(symbols)")
            #expect(
                try await PackagingTests.run("/usr/bin/dpkg-deb", ["-f", dbgsym, "Package", "Depends", "Build-Ids"]).output
                    == "Package: tokenwarden-dbgsym\nDepends: tokenwarden (= \(try await Self.version()))\nBuild-Ids: \(buildID)\n")
            // gdb finds the functions through the build-id, and only through it.
            func gdb(_ directory: String) async throws -> String {
                try await PackagingTests.run(
                    "/usr/bin/gdb",
                    [
                        // The symbol tables only (--readnever skips the DWARF, which took a core for 20 s).
                        "--readnever", "-batch", "-iex", "set debug-file-directory \(directory)", "-ex", "info address tokenwarden_main", binary,
                    ]
                ).output
            }
            #expect(try await gdb(installed.subpath("usr/lib/debug")).contains("Symbol \"tokenwarden_main\" is at 0x"))
            #expect(try await gdb("/nonexistent").contains("No symbol \"tokenwarden_main\""))

            // The copyright names every package Package.resolved pins, with a licence for each.
            let copyright = try String(contentsOfFile: installed.subpath("usr/share/doc/tokenwarden/copyright"), encoding: .utf8)
            #expect(copyright.hasPrefix("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"))
            let resolved =
                try JSONSerialization.jsonObject(
                    with: try Data(contentsOf: URL(fileURLWithPath: PackagingTests.packaging + "/../Package.resolved"))) as? [String: Any]
            let pins = try #require(resolved?["pins"] as? [[String: Any]])
            #expect(pins.count > 20, "the package's dependencies are resolved")
            for pin in pins {
                let location = try #require(pin["location"] as? String)
                #expect(copyright.contains("Comment: \(location) "), "\(location) is not covered")
            }
            #expect(copyright.contains("License: Zlib"), "the zlib swift-nio-extras compiles in")

            let changelog = try await PackagingTests.run(
                "/bin/sh", ["-c", "gzip -dc \(installed.subpath("usr/share/doc/tokenwarden/changelog.gz"))"]
            ).output
            #expect(changelog.hasPrefix("tokenwarden (\(try await Self.version())) unstable; urgency=medium\n"))
            #expect(changelog.contains("  * Unattended for years"))
            let completion = try String(contentsOfFile: installed.subpath("usr/share/bash-completion/completions/tokenwarden"), encoding: .utf8)
            #expect(!completion.hasPrefix("#!"))
        }

        static func version() async throws -> String {
            String(try await PackagingTests.run(BuiltProduct.executable, ["--version"]).output.split(separator: " ")[0])
        }
    }
}
