import Foundation
import TOMLKit

/// A parsed TOML file: its path, its lines (for locating keys) and its root table.
struct TOMLDocument: Sendable {
    let path: String
    let root: [String: ConfigValue]
    let locator: SourceLocator

    /// Reads and parses `path`; a read or syntax error becomes a located `ConfigProblem`.
    static func load(path: String) -> Result<TOMLDocument, ConfigProblem> {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            return .failure(ConfigProblem(file: path, message: readFailure(path: path, error: error)))
        }
        return parse(text: text, path: path)
    }

    static func parse(text: String, path: String) -> Result<TOMLDocument, ConfigProblem> {
        // toml++ (under TOMLKit) recurses once per dotted part of a key: 30,000 parts overflowed the
        // stack inside the parser (exit 139, issue 33), so such a line never reaches it.
        if let line = overlyDottedLine(text) {
            return .failure(
                ConfigProblem(
                    file: path, line: line,
                    message: "more than \(maximumDotsPerLine) dots on one line (dotted keys or numbers): no tokenwarden setting is written like that")
            )
        }
        do {
            let table = try TOMLTable(string: text)
            guard let root = convert(table, depth: 1) else {
                return .failure(
                    ConfigProblem(
                        file: path, line: deepestLine(text),
                        message: "tables or keys nested more than \(maximumDepth) levels deep: no tokenwarden setting is nested like that"))
            }
            return .success(TOMLDocument(path: path, root: root, locator: SourceLocator(text: text)))
        } catch let error as TOMLParseError {
            return .failure(
                ConfigProblem(
                    file: path, line: error.source.begin.line, column: error.source.begin.column,
                    message: "syntax error: \(error.description)"))
        } catch {
            return .failure(ConfigProblem(file: path, message: "syntax error: \(error)"))
        }
    }

    /// Dots one line may hold outside strings and comments. toml++ recurses once per dotted part of
    /// a key (in a table header, before `=`, or inside an inline table), so the check counts every
    /// dot of the line: a float is a dot too, and a line of more than 256 floats is refused with it.
    static let maximumDotsPerLine = 256

    /// The first line with more than `maximumDotsPerLine` dots outside strings (basic with escapes,
    /// literal, and both multi-line forms) and comments; nil when there is none.
    static func overlyDottedLine(_ text: String) -> Int? {
        enum State { case normal, comment, basic, literal, multilineBasic, multilineLiteral }
        let scalars = Array(text.unicodeScalars)
        var state = State.normal
        var line = 1
        var dots = 0
        var index = 0
        func tripled(_ quote: Unicode.Scalar) -> Bool {
            index + 2 < scalars.count && scalars[index] == quote && scalars[index + 1] == quote && scalars[index + 2] == quote
        }
        // A multi-line string may end in four or five quotes (`"""a""""` holds `a"`): the closing
        // three are the last ones. Returns how far to move past the first, minus the one the loop adds.
        func closingQuotes(_ quote: Unicode.Scalar) -> Int {
            var extra = 0
            while extra < 2, index + 3 + extra < scalars.count, scalars[index + 3 + extra] == quote { extra += 1 }
            return 2 + extra
        }
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\n" {
                if dots > maximumDotsPerLine { return line }
                line += 1
                dots = 0
                if state != .multilineBasic && state != .multilineLiteral { state = .normal }
                index += 1
                continue
            }
            switch state {
            case .normal:
                if scalar == "#" {
                    state = .comment
                } else if tripled("\"") {
                    state = .multilineBasic
                    index += 2
                } else if tripled("'") {
                    state = .multilineLiteral
                    index += 2
                } else if scalar == "\"" {
                    state = .basic
                } else if scalar == "'" {
                    state = .literal
                } else if scalar == "." {
                    dots += 1
                }
            case .comment: break
            case .basic:
                if scalar == "\\" {
                    if index + 1 < scalars.count, scalars[index + 1] != "\n" { index += 1 }
                } else if scalar == "\"" {
                    state = .normal
                }
            case .literal:
                if scalar == "'" { state = .normal }
            case .multilineBasic:
                // An escape takes the next character, but a line-ending backslash leaves the newline
                // to be counted.
                if scalar == "\\" {
                    if index + 1 < scalars.count, scalars[index + 1] != "\n" { index += 1 }
                } else if tripled("\"") {
                    state = .normal
                    index += closingQuotes("\"")
                }
            case .multilineLiteral:
                if tripled("'") {
                    state = .normal
                    index += closingQuotes("'")
                }
            }
            index += 1
        }
        return dots > maximumDotsPerLine ? line : nil
    }

    /// The line whose key or table header has the most dotted parts or opening brackets: where a
    /// too-deep nesting most likely is.
    private static func deepestLine(_ text: String) -> Int {
        var deepest = (line: 1, marks: -1)
        // By scalars: a CRLF is one Character, and a Character split would see one line.
        for (index, line) in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let marks = line.reduce(0) { $0 + ($1 == "." || $1 == "[" || $1 == "{" ? 1 : 0) }
            if marks > deepest.marks { deepest = (index + 1, marks) }
        }
        return deepest.line
    }

    private static func readFailure(path: String, error: any Error) -> String {
        let code = ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError)?.code ?? (error as NSError).code
        switch Int32(code) {
        case ENOENT, Int32(NSFileReadNoSuchFileError): return "file not found"
        case EACCES, Int32(NSFileReadNoPermissionError): return "permission denied (is tokenwarden running as a user that may read it?)"
        case Int32(NSFileReadInapplicableStringEncodingError): return "not valid UTF-8 text"
        default: return "cannot read the file: \((error as NSError).localizedDescription)"
        }
    }

    /// How deep tables and arrays may nest. tokenwarden's deepest setting is three levels
    /// (`[[provider]]` → `[[provider.owner]]` → a value); the conversion is recursive, and a key of
    /// 30,000 dotted parts overflowed the stack (issue 33).
    static let maximumDepth = 32

    /// The table as config values; nil when it nests deeper than `maximumDepth`.
    private static func convert(_ table: TOMLTable, depth: Int) -> [String: ConfigValue]? {
        guard depth <= maximumDepth else { return nil }
        var result: [String: ConfigValue] = [:]
        for key in table.keys {
            guard let value = table[key] else { continue }
            guard let converted = convert(value, depth: depth) else { return nil }
            result[key] = converted
        }
        return result
    }

    private static func convert(_ value: any TOMLValueConvertible, depth: Int) -> ConfigValue? {
        switch value.type {
        case .table:
            guard let table = value.table else { return .table([:]) }
            return convert(table, depth: depth + 1).map(ConfigValue.table)
        case .array:
            guard depth < maximumDepth else { return nil }
            var items: [ConfigValue] = []
            for item in value.array ?? [] {
                guard let converted = convert(item, depth: depth + 1) else { return nil }
                items.append(converted)
            }
            return .array(items)
        case .string: return .string(value.string ?? "")
        case .int: return .integer(value.int ?? 0)
        case .double: return .float(value.double ?? 0)
        case .bool: return .boolean(value.bool ?? false)
        case .date, .time, .dateTime: return .dateTime(value.debugDescription)
        }
    }
}
