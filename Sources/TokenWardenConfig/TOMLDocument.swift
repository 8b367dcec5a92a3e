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
        do {
            let table = try TOMLTable(string: text)
            return .success(TOMLDocument(path: path, root: convert(table), locator: SourceLocator(text: text)))
        } catch let error as TOMLParseError {
            return .failure(
                ConfigProblem(
                    file: path, line: error.source.begin.line, column: error.source.begin.column,
                    message: "syntax error: \(error.description)"))
        } catch {
            return .failure(ConfigProblem(file: path, message: "syntax error: \(error)"))
        }
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

    private static func convert(_ table: TOMLTable) -> [String: ConfigValue] {
        var result: [String: ConfigValue] = [:]
        for key in table.keys {
            if let value = table[key] { result[key] = convert(value) }
        }
        return result
    }

    private static func convert(_ value: any TOMLValueConvertible) -> ConfigValue {
        switch value.type {
        case .table: return .table(value.table.map(convert) ?? [:])
        case .array: return .array(value.array.map { $0.map { convert($0) } } ?? [])
        case .string: return .string(value.string ?? "")
        case .int: return .integer(value.int ?? 0)
        case .double: return .float(value.double ?? 0)
        case .bool: return .boolean(value.bool ?? false)
        case .date, .time, .dateTime: return .dateTime(value.debugDescription)
        }
    }
}
