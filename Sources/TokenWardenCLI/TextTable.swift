import TokenWardenCore

/// Left-aligned columns for terminal output.
/// Hand-written: fifteen lines, against a dependency for the same (ordo-one/TextTable) in every build.
struct TextTable {
    let header: [String]
    var rows: [[String]] = []

    init(_ header: String...) { self.header = header }

    /// Cells are shown as they are safe on a terminal (`terminalSafe`): they hold provider data.
    mutating func append(_ row: [String]) { rows.append(row.map(\.terminalSafe)) }

    func render() -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, cell in
                // Not Foundation's `padding(toLength:…)`: it bridges through NSString and was 80% of
                // printing `tokens --expiring 14d` on a large store (perf, `make bench`).
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: max(0, widths[column] - cell.count))
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
