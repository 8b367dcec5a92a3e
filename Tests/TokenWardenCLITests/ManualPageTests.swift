import Foundation
import Testing
import TokenWardenConfig
import TokenWardenCore
import TokenWardenTestSupport

@testable import TokenWardenCLI

extension SubprocessSuites {
    /// `tokenwarden manual`, the tokenwarden(1) page the package installs, as `man` renders it.
    @Suite struct ManualPageTests {
        /// `tokenwarden manual --page NAME` as `man -l` renders it at `width` columns, after checking
        /// that groff has no warning about the roff.
        static func rendered(_ name: String, section: Int, width: Int) async throws -> String {
            let page = try TemporaryDirectory()
            let roff = try await PackagingTests.run(BuiltProduct.executable, ["manual", "--page", name])
            try #require(roff.status == 0)
            let path = try page.write("\(name).\(section)", roff.output)
            // What groff says about the roff (to stderr), then the page as an admin reads it.
            let warnings = try await PackagingTests.run("/bin/sh", ["-c", "man --warnings -E UTF-8 -l '\(path)' 2>&1 >/dev/null"])
            #expect(warnings.status == 0 && warnings.output.isEmpty, "groff warns in \(name)(\(section)): \(warnings.output)")
            return try await PackagingTests.run("/bin/sh", ["-c", "MANROFFOPT=-rHY=0 MANWIDTH=\(width) man -E UTF-8 -l '\(path)' | col -bx"]).output
        }

        /// Whether the rendered page has `term` as a `.TP` term: a short one shares its line with the
        /// text, a long one has a line of its own.
        static func hasTerm(_ text: String, _ term: String) -> Bool {
            text.contains("\n       \(term)\n") || text.contains("\n       \(term) ")
        }

        /// Every line fits a terminal of 80 columns, as `man` renders the page there.
        static func expectEightyColumns(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
            let wide = text.split(separator: "\n").filter { $0.count > 80 }
            #expect(wide.isEmpty, "lines wider than a terminal of 80: \(wide)", sourceLocation: sourceLocation)
        }

        @Test func thePageRendersWithoutWarningsAndHasEveryCommandAndTheSectionsAdminsLookFor() async throws {
            let text = try await Self.rendered("tokenwarden", section: 1, width: 80)
            Self.expectEightyColumns(text)
            #expect(text.contains("\n       tokenwarden - keeps personal access tokens from rotting\n"))
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
            let text = try await Self.rendered("tokenwarden.toml", section: 5, width: 200)
            Self.expectEightyColumns(try await Self.rendered("tokenwarden.toml", section: 5, width: 80))
            #expect(ConfigReference.tables.count == 9)
            for table in ConfigReference.tables {
                #expect(text.contains("\n\(table.heading)\n"), "no section \(table.heading)")
                #expect(!table.keys.isEmpty)
                for key in table.keys {
                    #expect(Self.hasTerm(text, key.name), "\(table.heading) \(key.name) is not in the page")
                    #expect(!key.meaning.isEmpty && !key.defaultValue.isEmpty)
                }
            }
            #expect(text.contains("(default: \"15m\") How often each provider is polled"))
            // The page's example is a configuration the loader accepts.
            let directory = try TemporaryDirectory()
            let example = try directory.write(
                "tokenwarden.toml", Manual.configExample.replacingOccurrences(of: "credential = \"awx-main\"", with: "credential = \"/dev/null\""))
            #expect(ConfigLoader(environment: [:]).read(path: example).problems.isEmpty)
        }

        /// tokenwarden-policies(5): every key a policy file may have (the loader takes them from the
        /// same `PolicyReference`), every action and every provider kind; its example is valid.
        @Test func thePoliciesPageHasEveryRuleKeyActionAndProviderKind() async throws {
            let text = try await Self.rendered("tokenwarden-policies", section: 5, width: 200)
            Self.expectEightyColumns(try await Self.rendered("tokenwarden-policies", section: 5, width: 80))
            for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "[[rule]]", "ACTIONS", "PROVIDERS", "WINDOWS", "EXAMPLE", "SEE ALSO"] {
                #expect(text.contains("\n\(section)\n"), "no \(section) section")
            }
            #expect(PolicyReference.rule.keys.count == 12)
            for key in PolicyReference.rule.keys { #expect(Self.hasTerm(text, key.name), "[[rule]] \(key.name) is not in the page") }
            #expect(PolicyReference.innerTables.map(\.heading) == ["match", "when", "deliver", "notify"])
            for table in PolicyReference.innerTables {
                #expect(text.contains("\n\(table.heading).*\n"), "no section \(table.heading).*")
                #expect(PolicyReference.rule.names.contains(table.heading))
                for key in table.keys {
                    #expect(Self.hasTerm(text, "\(table.heading).\(key.name)"), "\(table.heading).\(key.name) is not in the page")
                }
            }
            #expect(text.contains("(default: \"1h\") rotate only: how long the old token stays valid"))
            #expect(RuleAction.allCases.count == 3)
            // Each action is a term of the ACTIONS section (notify is also a [[rule]] key).
            let actions = "\n" + (try #require(text.components(separatedBy: "\nACTIONS\n").last?.components(separatedBy: "\nPROVIDERS\n").first))
            for action in RuleAction.allCases { #expect(Self.hasTerm(actions, action.rawValue), "no action \(action.rawValue)") }
            // Phrases that may wrap: compared with every run of white space as one space.
            let flat = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            #expect(flat.contains("Revokes the token at the provider") && flat.contains("Needs the provider's revoke API and create API."))
            #expect(ProviderKind.allCases.count == 6)
            for kind in ProviderKind.allCases { #expect(Self.hasTerm(text, kind.rawValue), "no provider kind \(kind.rawValue)") }
            #expect(Set(Manual.everyTrigger.map(\.key)) == Set(PolicyReference.when.names.map { "when." + $0 }))
            #expect(flat.contains("when.unused_for needs creation time and last-used data"))
            // The page's example is a policy file the loader accepts.
            let policies = try TemporaryDirectory()
            try policies.write("10-example.toml", Manual.policiesExample)
            let providers = [
                ProviderConfig(id: "awx-main", kind: .awx, baseURL: "https://awx.example.com", credential: .systemd(name: "x")),
                ProviderConfig(id: "aap-main", kind: .aap, baseURL: "https://aap.example.com", credential: .systemd(name: "y")),
            ]
            let loaded = PolicyLoader(notifiers: ["ops"], ownersConfigured: true).read(directory: policies.path, providers: providers)
            #expect(loaded.problems.isEmpty, "\(loaded.problems)")
            #expect(loaded.policies.rules.map(\.name) == ["expiry-notice", "stale-ci", "rotate-deploy"])
            for rule in loaded.policies.rules {
                #expect(!rule.applicability(to: providers).providers.isEmpty, "rule \(rule.name) of the example fires nowhere")
            }
        }
    }
}
