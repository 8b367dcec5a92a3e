/// Finds the line of an array-of-tables entry and of a key inside it, by reading the file's text.
/// TOMLKit reports positions only for syntax errors, not for parsed nodes, so semantic errors are
/// located here: the Nth `[[rule]]` header, then the first line in that entry assigning the key.
struct SourceLocator: Sendable {
    private let lines: [Substring]

    init(text: String) { lines = text.split(separator: "\n", omittingEmptySubsequences: false) }

    /// 1-based line of `[table]`.
    func lineOfTable(_ name: String) -> Int? {
        lines.firstIndex { normalizedHeader($0) == "[\(name)]" }.map { $0 + 1 }
    }

    /// 1-based line where `key` (dotted) is assigned inside the given entry or table, else the entry's line.
    func lineOfKey(_ key: String, array: String? = nil, index: Int = 0, table: String? = nil) -> Int? {
        let start: Int?
        let end: Int
        if let array {
            let headers = headerLines(array: array)
            start = headers.dropFirst(index).first
            end = headers.dropFirst(index + 1).first ?? lines.count
        } else if let table {
            start = lineOfTable(table).map { $0 - 1 }
            end = start.flatMap { s in lines.indices.dropFirst(s + 1).first { isTopLevelHeader(lines[$0]) } } ?? lines.count
        } else {
            // A top-level key may be a table header rather than an assignment.
            let root = key.split(separator: ".").first.map(String.init) ?? key
            if let header = lines.firstIndex(where: { ["[\(root)]", "[[\(root)]]"].contains(normalizedHeader($0)) }) {
                return header + 1
            }
            start = 0
            end = lines.firstIndex { isTopLevelHeader($0) } ?? lines.count
        }
        guard let start else { return nil }
        let last = key.split(separator: ".").last.map(String.init) ?? key
        for number in start..<end where assigns(lines[number], key: last) { return number + 1 }
        return array == nil && table == nil ? nil : start + 1
    }

    /// 1-based line where `key` is assigned in the `[[array]]` entry whose `idKey` is `value`
    /// (`id = "awx-main"`), else that entry's header line; nil when no entry has that id.
    func lineOfKey(_ key: String, inEntryOf array: String, where idKey: String, is value: String) -> Int? {
        let headers = headerLines(array: array)
        for (position, header) in headers.enumerated() {
            let end = headers.dropFirst(position + 1).first ?? lines.count
            let names = (header..<end).contains { number in
                let code = lines[number].split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
                return code.filter { $0 != " " && $0 != "\t" } == "\(idKey)=\"\(value)\""
            }
            if names { return lineOfKey(key, array: array, index: position) }
        }
        return nil
    }

    private func headerLines(array: String) -> [Int] {
        lines.indices.filter { normalizedHeader(lines[$0]) == "[[\(array)]]" }
    }

    private func isTopLevelHeader(_ line: Substring) -> Bool {
        let header = normalizedHeader(line)
        return header.hasPrefix("[") && !header.contains(".")
    }

    /// `[[ rule ]]   # comment` → `[[rule]]`; other lines → "".
    private func normalizedHeader(_ line: Substring) -> String {
        let code = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let compact = code.filter { $0 != " " && $0 != "\t" }
        return compact.hasPrefix("[") ? String(compact) : ""
    }

    /// Whether the line assigns `key` (bare or quoted), possibly as the last part of a dotted key or inside an inline table.
    private func assigns(_ line: Substring, key: String) -> Bool {
        let code = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        for candidate in [key, "\"\(key)\""] {
            var search = code[...]
            while let range = search.range(of: candidate) {
                let before = range.lowerBound == code.startIndex ? " " : code[code.index(before: range.lowerBound)]
                let after = code[range.upperBound...].drop { $0 == " " || $0 == "\t" }
                // `key = …`, or `key.sub = …` which defines the table `key`.
                if " \t{,.".contains(before), after.first == "=" || after.first == "." { return true }
                search = code[range.upperBound...]
            }
        }
        return false
    }
}
