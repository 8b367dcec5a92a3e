import Foundation
import Testing
import TokenWardenConfig
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

        /// tokenwarden.toml(5): every table and key the loader accepts (it takes them from the same
        /// `ConfigReference`), each with its default, rendered without a groff warning.
        @Test func theConfigPageHasEveryKeyTheLoaderAcceptsWithItsDefault() async throws {
            let page = try TemporaryDirectory()
            let roff = try await PackagingTests.run(BuiltProduct.executable, ["manual", "--page", "tokenwarden.toml"])
            try #require(roff.status == 0)
            let path = try page.write("tokenwarden.toml.5", roff.output)
            let warnings = try await PackagingTests.run("/bin/sh", ["-c", "man --warnings -E UTF-8 -l '\(path)' 2>&1 >/dev/null"])
            #expect(warnings.status == 0 && warnings.output.isEmpty, "groff warns: \(warnings.output)")
            let text = try await PackagingTests.run("/bin/sh", ["-c", "MANWIDTH=200 man -E UTF-8 -l '\(path)' | col -b"]).output
            #expect(ConfigReference.tables.count == 9)
            for table in ConfigReference.tables {
                #expect(text.contains("\n\(table.heading)\n"), "no section \(table.heading)")
                #expect(!table.keys.isEmpty)
                for key in table.keys {
                    // A short name shares its line with the text; a long one has a line of its own.
                    let term = "\n       \(key.name)"
                    #expect(text.contains(term + "\n") || text.contains(term + " "), "\(table.heading) \(key.name) is not in the page")
                    #expect(!key.meaning.isEmpty && !key.defaultValue.isEmpty)
                }
            }
            #expect(text.contains("(default: \"15m\") How often each provider is polled"))
            // The page's example is a configuration the loader accepts.
            let example = try page.write(
                "tokenwarden.toml", Manual.configExample.replacingOccurrences(of: "credential = \"awx-main\"", with: "credential = \"/dev/null\""))
            #expect(ConfigLoader(environment: [:]).read(path: example).problems.isEmpty)
        }
    }
}
