import Testing

@testable import TokenWardenCLI

/// The columns `tokens`, `status` and `outbox` print: padded to the widest cell as the terminal shows
/// it (one column per grapheme), two spaces apart, the last column unpadded, provider text escaped.
@Suite struct TextTableTests {
    @Test func columnsArePaddedToTheirWidestCellAndTheLastIsNot() {
        var table = TextTable("PROVIDER", "ID", "NAME")
        table.append(["sim-awx", "12", "deploy"])
        table.append(["p", "123456789012", "x"])
        #expect(
            table.render() == """
                PROVIDER  ID            NAME
                sim-awx   12            deploy
                p         123456789012  x
                """)
    }

    @Test(arguments: [
        ("é", "e\u{301}"),  // one column, two scalars
        ("日本", "日本"),  // two clusters
        ("👩‍💻", "👩‍💻"),  // one cluster of three scalars
    ])
    func aNonASCIICellIsAsWideAsItsGraphemeClusters(wide: String, same: String) {
        var table = TextTable("A", "B")
        table.append([wide, "|"])
        table.append([same, "|"])
        table.append([String(repeating: "x", count: wide.count), "|"])
        let lines = table.render().split(separator: "\n")
        #expect(lines.dropFirst().allSatisfy { $0.count == lines[2].count })
        #expect(lines[3] == String(repeating: "x", count: wide.count) + "  |")
    }

    @Test func controlCharactersInProviderTextAreEscapedAndCountedAsPrinted() {
        var table = TextTable("NAME", "OWNER")
        table.append(["evil\u{1B}[2J\r\n", "bob"])
        table.append(["ok", "alice"])
        #expect(
            table.render() == """
                NAME                     OWNER
                evil\\u{1B}[2J\\u{D}\\u{A}  bob
                ok                       alice
                """)
    }
}
