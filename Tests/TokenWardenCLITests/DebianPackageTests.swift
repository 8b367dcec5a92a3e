import Foundation
import Testing
import TokenWardenTestSupport

extension SubprocessSuites {
    /// `make deb`'s packing step on the binary under test, inspected with dpkg-deb.
    @Suite struct DebianPackageTests {
        @Test func theDebHoldsTheBinaryUnitSnippetsCatalogManPageCompletionsAndConffiles() async throws {
            let out = try TemporaryDirectory()
            let build = try await PackagingTests.run(
                "/usr/bin/env",
                [
                    "DEB_COMPRESSION=none", PackagingTests.packaging + "/debian/build-deb",
                    BuiltProduct.executable, out.path,
                ])
            #expect(build.status == 0, "\(build.output)")
            let deb = try #require(try FileManager.default.contentsOfDirectory(atPath: out.path).first { $0.hasSuffix(".deb") })
            let path = out.subpath(deb)
            #expect(deb.hasPrefix("tokenwarden_0.1.0_"))

            let contents = try await PackagingTests.run("/usr/bin/dpkg-deb", ["-c", path]).output
            for file in [
                "./usr/bin/tokenwarden", "./usr/lib/systemd/system/tokenwarden.service", "./usr/lib/sysusers.d/tokenwarden.conf",
                "./usr/lib/tmpfiles.d/tokenwarden.conf", "./usr/lib/systemd/catalog/tokenwarden.catalog",
                "./usr/share/man/man1/tokenwarden.1.gz", "./usr/share/bash-completion/completions/tokenwarden",
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
    }
}
