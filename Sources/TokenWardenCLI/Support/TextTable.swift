import TokenWardenCore

/// Left-aligned columns for terminal output.
/// Hand-written: a few lines, against a dependency for the same (ordo-one/TextTable) in every build.
struct TextTable {
    let header: [String]
    var rows: [[String]] = []

    init(_ header: String...) { self.header = header }

    /// Cells are shown as they are safe on a terminal (`terminalSafe`): they hold provider data.
    mutating func append(_ row: [String]) { rows.append(row.map(\.terminalSafe)) }

    /// The table in one string, rows joined by newlines, columns by two spaces; the last column is
    /// not padded. Written into one buffer, each cell's width counted once: building a string per
    /// padded cell and joining them took half of `tokens --expiring 14d` on a 1M-token store (perf);
    /// not Foundation's `padding(toLength:…)` either, which bridges through NSString.
    func render() -> String {
        let all = [header] + rows
        let cellWidths = all.map { row in row.map(Self.width) }
        var widths = [Int](repeating: 0, count: header.count)
        for row in cellWidths {
            for (column, width) in row.enumerated() where column < widths.count { widths[column] = max(widths[column], width) }
        }
        let spaces = String(repeating: " ", count: (widths.max() ?? 0) + 2)
        var text = ""
        text.reserveCapacity(all.count * (widths.reduce(0, +) + 2 * widths.count + 1))
        for (index, row) in all.enumerated() {
            if index > 0 { text += "\n" }
            for (column, cell) in row.enumerated() {
                text += cell
                guard column < row.count - 1 else { break }
                let width = column < widths.count ? widths[column] : 0
                text.append(contentsOf: spaces.prefix(max(0, width - cellWidths[index][column]) + 2))
            }
        }
        return text
    }

    /// A cell's width in columns as `String.count` gives it (grapheme clusters), read from the
    /// UTF-8 length when every byte is ASCII (nearly every cell; one cluster a byte, but for "\r\n",
    /// which `terminalSafe` has already escaped).
    private static func width(_ cell: String) -> Int {
        cell.utf8.allSatisfy { $0 < 0x80 } ? cell.utf8.count : cell.count
    }
}
