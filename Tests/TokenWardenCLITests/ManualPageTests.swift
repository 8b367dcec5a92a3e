import Foundation
import Testing
import TokenWardenTestSupport

@testable import TokenWardenCLI

extension SubprocessSuites {
    /// `tokenwarden manual`, the tokenwarden(1) page the package installs, as `man` renders it.
    @Suite struct ManualPageTests {
        @Test func thePageRendersWithoutWarningsAndHasEveryCommandAndTheSectionsAdminsLookFor() async throws {
            let page = try TemporaryDirectory()
            let roff = try await PackagingTests.run(BuiltProduct.executable, ["manual"])
            try #require(roff.status == 0)
            let path = try page.write("tokenwarden.1", roff.output)
            // What groff says about the roff (to stderr), then the page as an admin reads it.
            let warnings = try await PackagingTests.run("/bin/sh", ["-c", "man --warnings -E UTF-8 -l '\(path)' 2>&1 >/dev/null"])
            #expect(warnings.status == 0 && warnings.output.isEmpty, "groff warns: \(warnings.output)")
            let text = try await PackagingTests.run("/bin/sh", ["-c", "MANWIDTH=100 man -E UTF-8 -l '\(path)' | col -b"]).output
            for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "EXIT STATUS", "ENVIRONMENT", "FILES", "SEE ALSO"] {
                #expect(text.contains("\n\(section)\n"), "no \(section) section")
            }
            let commands = TokenWarden.configuration.subcommands.filter { $0.configuration.shouldDisplay }
                .compactMap { $0.configuration.commandName }
            #expect(commands.count > 20)
            for command in commands { #expect(text.contains("\n   \(command)\n"), "no section for \(command)") }
            for variable in ["TOKENWARDEN_CONFIG", "CREDENTIALS_DIRECTORY", "TZ"] { #expect(text.contains(variable)) }
            #expect(text.contains("/var/lib/tokenwarden/own-credentials/"))
        }
    }
}
