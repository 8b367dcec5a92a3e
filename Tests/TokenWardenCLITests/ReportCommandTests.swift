import Foundation
import Testing
import TokenWardenCore
import TokenWardenStore
import TokenWardenTestSupport

extension SubprocessSuites {
    /// `tokenwarden report`: the page a person looks at, loaded in a real headless Chromium (Debian's
    /// chromium, which `make test` installs): no console errors, one chart mark per expiring token, a
    /// screenshot that is not blank, and provider text shown as text.
    @Suite struct ReportCommandTests {
        static let hostile = "<script>alert(1)</script>"

        /// A store with five live tokens, three expiring within 90 days (one named like a script).
        static func setup() async throws -> CLITests.Setup {
            let setup = try CLITests.Setup(
                policy: "[[rule]]\nname = \"warn\"\nwhen.expires_within = \"60d\"\naction = \"notify\"\n")
            let now = Date()
            let store = try TokenStore.open(path: setup.database)
            try store.registerProviders(
                [ProviderConfig(id: "awx-main", kind: .awx, baseURL: "https://awx.example.com", credential: .systemd(name: "x"))], at: now)
            let created = now - 100 * 86_400
            try await store.recordObservations(
                [
                    ObservedToken(id: "1", name: Self.hostile, owner: "mallory | <b>", createdAt: created, expiresAt: now + 10 * 86_400),
                    ObservedToken(id: "2", name: "deploy-bot", owner: "alice", createdAt: created, expiresAt: now + 40 * 86_400),
                    ObservedToken(id: "3", name: "backup", owner: "alice", createdAt: created, expiresAt: now + 80 * 86_400),
                    ObservedToken(id: "4", name: "far-away", owner: "bob", createdAt: created, expiresAt: now + 300 * 86_400),
                    ObservedToken(id: "5", name: "forever", owner: "bob", createdAt: created),
                ], provider: "awx-main", at: now)
            return setup
        }

        /// Chromium's console messages (errors included) and the DOM after load.
        static func load(_ file: String) throws -> (console: [String], dom: String) {
            let run = try BuiltProduct.capture(
                "/usr/bin/chromium",
                ["--headless=new", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0", "--dump-dom", "file://" + file])
            #expect(run.status == 0, "\(run.output)")
            let console = run.output.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init)
            return (console, run.output)
        }

        @Test func theHTMLReportLoadsCleanlyInABrowserWithOneMarkPerExpiringToken() async throws {
            let setup = try await Self.setup()
            let page = setup.dir.subpath("report.html")
            let result = try await setup.run("report", "--html", page)
            #expect(result.status == 0, "\(result.stderr)")
            let html = try String(contentsOfFile: page, encoding: .utf8)
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the name is shown as text")
            #expect(!html.contains("<script"), "no script at all: \(html)")
            #expect(!html.contains(" src=") && !html.contains(" href="), "nothing fetched from elsewhere")

            // The harness sees console errors: a page that makes one is caught.
            let bad = try setup.dir.write("bad.html", "<html><body><script>console.error('planted-error')</script></body></html>")
            #expect(try Self.load(bad).console.contains { $0.contains("planted-error") })

            let (console, dom) = try Self.load(page)
            #expect(console.isEmpty, "\(console)")
            #expect(dom.components(separatedBy: "<circle class=\"mark\"").count - 1 == 3, "one mark per token expiring within 90 days")
            #expect(dom.contains("<title>&lt;script&gt;alert(1)&lt;/script&gt; (awx-main/1) expires "), "the mark's title is text too")

            let png = setup.dir.subpath("report.png")
            let shot = try BuiltProduct.capture(
                "/usr/bin/chromium",
                [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1000,1400", "--screenshot=" + png,
                    "file://" + page,
                ])
            #expect(shot.status == 0, "\(shot.output)")
            // Not blank: many shades, and the chart's marks (#c0392b) drawn.
            let pixels = try BuiltProduct.capture(
                "/usr/bin/python3",
                [
                    "-c",
                    """
                    import sys; from PIL import Image
                    im = Image.open(sys.argv[1]).convert("RGB"); data = list(im.getdata())
                    red = sum(1 for r, g, b in data if r > 170 and g < 90 and b < 80)
                    print(len(set(data)), red)
                    """, png,
                ])
            let counts = pixels.output.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            #expect(counts.count == 2 && counts[0] > 20 && counts[1] > 30, "\(pixels.output)")
        }

        /// The forecast chart: a bar per week with something due, stacked by provider; with nothing
        /// due, an empty axis that says so, never no picture at all.
        @Test func theForecastIsDrawnAsABarPerWeekAndAnEmptyAxisSaysNothingIsDue() async throws {
            let setup = try await Self.setup()
            let page = setup.dir.subpath("report.html")
            #expect(try await setup.run("report", "--html", page).status == 0)
            let html = try String(contentsOfFile: page, encoding: .utf8)
            #expect(html.contains("aria-label=\"forecast: tokens expiring and revokes and rotations due per week\""))
            // Expiries in 10, 40 and 80 days, one bar each in its week, as far as 12 weeks from this Monday reach
            // (80 days does on a Monday, not on a Sunday); the 300-day one never does.
            var calendar = Calendar(identifier: .iso8601)
            calendar.timeZone = .current
            let monday = try #require(calendar.dateInterval(of: .weekOfYear, for: Date())).start
            let end = try #require(calendar.date(byAdding: .weekOfYear, value: 12, to: monday))
            let inside = [10.0, 40, 80].filter { Date() + $0 * 86_400 < end }.count
            #expect(inside >= 2)
            #expect(html.components(separatedBy: "fill=\"#c0392b\"><title>week of ").count - 1 == inside, "\(html)")
            #expect(!html.contains("nothing due in the next"))

            let empty = try CLITests.Setup()
            let store = try TokenStore.open(path: empty.database)
            try store.registerProviders(
                [ProviderConfig(id: "awx-main", kind: .awx, baseURL: "https://awx.example.com", credential: .systemd(name: "x"))], at: Date())
            let blank = empty.dir.subpath("blank.html")
            #expect(try await empty.run("report", "--html", blank).status == 0)
            let text = try String(contentsOfFile: blank, encoding: .utf8)
            #expect(text.contains("nothing due in the next 12 weeks"), "\(text)")
            #expect(text.contains("<svg xmlns=\"http://www.w3.org/2000/svg\"") && text.contains("role=\"img\""))
            let (console, _) = try Self.load(blank)
            #expect(console.isEmpty, "\(console)")
        }

        /// Every decision of a small rule is listed, a cut is stated with its count, plurals agree.
        @Test func everyDecisionIsListedOrTheCutIsStatedWithItsCount() async throws {
            let setup = try await Self.setup()
            let store = try TokenStore.open(path: setup.database)
            try store.suspend(
                provider: "awx-main", tokenID: "2", Suspension(kind: .exempt, until: nil, reason: "break-glass", by: "alice", at: Date()))
            let whole = try await setup.run("report", "--markdown", "-")
            let html = try await setup.run("report", "--html", "-")
            let cut = try await setup.run("report", "--markdown", "-", "--limit", "1")
            #expect(whole.status == 0 && cut.status == 0, "\(whole.stderr)\(cut.stderr)")
            #expect(!whole.stdout.contains("more (") && !whole.stdout.contains("Listed:"), "\(whole.stdout)")
            #expect(whole.stdout.contains("1 decision is held (") && html.stdout.contains("1 decision is held ("), "\(whole.stdout)")
            #expect(!html.stdout.contains("and 0 more") && !html.stdout.contains("Listed:"))
            #expect(cut.stdout.contains("Listed: the first 1 of 2 decisions of this rule (the report lists at most 1 per rule"), "\(cut.stdout)")
        }

        @Test func theMarkdownReportEscapesProviderText() async throws {
            let setup = try await Self.setup()
            let result = try await setup.run("report", "--markdown", "-")
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("| mallory \\| &lt;b&gt; | 1 |"), "\(result.stdout)")
            #expect(result.stdout.contains("“&lt;script&gt;alert(1)&lt;/script&gt;”"), "\(result.stdout)")
            #expect(!result.stdout.contains("<script"))
            let neither = try await setup.run("report")
            #expect(neither.status != 0 && neither.stderr.contains("give --html FILE or --markdown FILE"))
        }

        /// A token id is provider data too: one with blank lines and an HTML tag stays inside its
        /// code span, on one line, so a CommonMark renderer never meets a raw HTML block.
        @Test func aTokenIdCannotInjectRawHTMLIntoTheMarkdownReport() async throws {
            let setup = try CLITests.Setup(policy: "[[rule]]\nname = \"warn\"\nwhen.expires_within = \"60d\"\naction = \"notify\"\n")
            let now = Date()
            let store = try TokenStore.open(path: setup.database)
            try store.registerProviders(
                [ProviderConfig(id: "awx-main", kind: .awx, baseURL: "https://awx.example.com", credential: .systemd(name: "x"))], at: now)
            let id = "x1\n\n<img src=x onerror=alert(1)>\n\n`"
            try await store.recordObservations(
                [ObservedToken(id: id, name: "n", owner: "o", createdAt: now - 86_400, expiresAt: now + 10 * 86_400)], provider: "awx-main",
                at: now)
            let result = try await setup.run("report", "--markdown", "-")
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(
                lines.contains { $0.hasPrefix("- `awx-main/x1\\u{A}\\u{A}<img src=x onerror=alert(1)>\\u{A}\\u{A}'` “n”") },
                "\(result.stdout)")
            #expect(!lines.contains { $0.hasPrefix("<") }, "no line is a raw HTML block: \(result.stdout)")
        }

        /// A bare file name is written in the current directory, as any command line tool does.
        @Test func aRelativeOutputPathIsWrittenInTheCurrentDirectory() async throws {
            let setup = try await Self.setup()
            let run = try BuiltProduct.capture(
                "/bin/sh", ["-c", "cd '\(setup.dir.path)' && '\(BuiltProduct.executable)' report --markdown tokens.md --config '\(setup.config)'"])
            #expect(run.status == 0, "\(run.output)")
            #expect(try String(contentsOfFile: setup.dir.subpath("tokens.md"), encoding: .utf8).hasPrefix("# tokenwarden inventory report"))
        }

        /// `report` replaces its output file whole (a temp file, mode set on the descriptor, renamed
        /// over the name): a symlink swapped in at the name while it writes, as a writer of the
        /// directory could, is replaced, never followed or chmodded.
        @Test func aSymlinkSwappedInAtTheReportsPathIsReplacedNeverFollowed() async throws {
            let setup = try await Self.setup()
            let victim = try setup.dir.write("victim.secret", "the delivered secret\n", mode: 0o600)
            let output = setup.dir.subpath("report.md")
            let swapping = Task.detached {
                while !Task.isCancelled {
                    unlink(output)
                    symlink(victim, output)
                }
            }
            for _ in 0..<10 {
                let result = try await setup.run("report", "--markdown", output)
                #expect(result.status == 0, "\(result.stderr)")
            }
            swapping.cancel()
            _ = await swapping.value
            #expect(try String(contentsOfFile: victim, encoding: .utf8) == "the delivered secret\n")
            #expect(try FileManager.default.attributesOfItem(atPath: victim)[.posixPermissions] as? Int == 0o600)
            let result = try await setup.run("report", "--markdown", output)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try FileManager.default.attributesOfItem(atPath: output)[.type] as? FileAttributeType == .typeRegular)
            #expect(try FileManager.default.attributesOfItem(atPath: output)[.posixPermissions] as? Int == 0o644)
            #expect(try String(contentsOfFile: output, encoding: .utf8).hasPrefix("# tokenwarden inventory report"))
        }
    }
}
