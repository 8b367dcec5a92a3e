import Foundation
import Testing

/// docs/architecture.md is read by newcomers: every type it names in backticks exists.
@Suite struct ArchitectureDocTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every Swift file under Sources.
    static func sources() throws -> [String] {
        let base = root.appendingPathComponent("Sources").path
        let files = try #require(FileManager.default.enumerator(atPath: base)?.allObjects as? [String]).filter { $0.hasSuffix(".swift") }
        return try files.map { try String(contentsOfFile: base + "/" + $0, encoding: .utf8) }
    }

    /// Small files, short lines: a newcomer reads a type in one go, without scrolling sideways.
    @Test func noSourceFileIsOver300LinesAndNoLineOver150Columns() throws {
        var checked = 0
        for folder in ["Sources", "Tests", "Benchmarks"] {
            let base = Self.root.appendingPathComponent(folder).path
            let files = try #require(FileManager.default.enumerator(atPath: base)?.allObjects as? [String]).filter { $0.hasSuffix(".swift") }
            for file in files {
                let lines = try String(contentsOfFile: base + "/" + file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
                checked += 1
                if folder == "Sources" { #expect(lines.count <= 301, "\(folder)/\(file) has \(lines.count) lines") }
                for (number, line) in lines.enumerated() where line.count > 150 {
                    Issue.record("\(folder)/\(file):\(number + 1) is \(line.count) columns wide")
                }
            }
        }
        #expect(checked > 200, "the files were read: \(checked)")
    }

    @Test func everyTypeTheArchitectureNamesIsDeclaredInSources() throws {
        let doc = try String(contentsOfFile: Self.root.appendingPathComponent("docs/architecture.md").path, encoding: .utf8)
        // `Name`, `Name.member`, `Name+Feature`, `Name(...)`: an UpperCamelCase identifier first.
        let named = Set(doc.matches(of: /`([A-Z][a-z][A-Za-z0-9]*)(?:[.+(][^`]*)?`/).map { String($0.output.1) })
        let sources = try Self.sources()
        #expect(sources.count > 100, "the sources were read")
        let declared = Set(
            sources.flatMap { text in
                text.matches(of: /\b(?:struct|enum|class|actor|protocol|typealias)\s+([A-Z][A-Za-z0-9]*)/).map { String($0.output.1) }
            })
        let package = try String(contentsOfFile: Self.root.appendingPathComponent("Package.swift").path, encoding: .utf8)
        let targets = Set(package.matches(of: /name: "([A-Za-z-]+)"/).map { String($0.output.1) })
        #expect(named.count > 50, "the document was read: \(named.count) names")
        let missing = named.filter { !declared.contains($0) && !targets.contains($0) }.sorted()
        #expect(missing.isEmpty, "docs/architecture.md names types no source declares: \(missing)")
    }
}
