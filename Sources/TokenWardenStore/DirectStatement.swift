import GRDB
import GRDBSQLite

/// A statement GRDB prepared, with its values bound through SQLite's C API and stepped to the end.
/// Why: a listing writes a token row and a history row per new token and an update per known one;
/// GRDB's `StatementArguments` boxes each value as `any DatabaseValueConvertible` and converts it
/// to a `DatabaseValue` first, which perf put at a sixth of a 100k-token sync's CPU. Use it only
/// inside a GRDB transaction (`write { }`): preparing, caching and the transaction stay GRDB's.
struct DirectStatement {
    private let statement: Statement
    private var index: Int32 = 0

    init(_ statement: Statement) { self.statement = statement }

    private var handle: OpaquePointer { statement.sqliteStatement }

    /// SQLite copies the value before the call returns (its `SQLITE_TRANSIENT`, which Swift cannot import).
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    /// The next parameter's index. Before the first, the statement is reset: GRDB leaves a statement
    /// it ran stepped to its end, and SQLite refuses to bind to one that is not reset.
    private mutating func nextIndex() -> Int32 {
        if index == 0 { sqlite3_reset(handle) }
        index += 1
        return index
    }

    /// Binds the next parameter (parameters are bound in order, from the first).
    mutating func bind(_ text: String) {
        let index = nextIndex()
        var text = text
        let code = text.withUTF8 { bytes in
            // An empty buffer may have no address, and a null pointer would bind NULL, not ''.
            bytes.isEmpty
                ? sqlite3_bind_text(handle, index, "", 0, Self.transient)
                : sqlite3_bind_text(handle, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
        }
        precondition(code == SQLITE_OK, "binding parameter \(index) of \(statement.sql) failed (\(code))")
    }

    mutating func bind(_ text: String?) {
        guard let text else { return bindNull() }
        bind(text)
    }

    mutating func bind(_ integer: Int64?) {
        guard let integer else { return bindNull() }
        let index = nextIndex()
        let code = sqlite3_bind_int64(handle, index, integer)
        precondition(code == SQLITE_OK, "binding parameter \(index) of \(statement.sql) failed (\(code))")
    }

    mutating func bind(_ flag: Bool) { bind(Int64(flag ? 1 : 0)) }

    private mutating func bindNull() {
        let index = nextIndex()
        let code = sqlite3_bind_null(handle, index)
        precondition(code == SQLITE_OK, "binding parameter \(index) of \(statement.sql) failed (\(code))")
    }

    /// Runs the statement to completion with the values bound, then resets it for the next ones.
    /// A failure (a constraint, say) throws the `DatabaseError` GRDB would have thrown.
    mutating func execute() throws {
        try forEachRow { _ in }
    }

    /// One result row, read in place: valid only inside `forEachRow`'s body.
    struct Columns {
        fileprivate let handle: OpaquePointer

        func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }
        func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

        /// Calls `body` with a text column's bytes in place (empty for NULL).
        func withText<T>(_ column: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
            let count = Int(sqlite3_column_bytes(handle, column))
            return body(UnsafeBufferPointer(start: sqlite3_column_text(handle, column), count: count))
        }

        /// Whether a text column holds exactly `text`, compared as bytes without making a String.
        func text(_ column: Int32, equals text: String) -> Bool {
            guard let bytes = sqlite3_column_text(handle, column) else { return false }
            let count = Int(sqlite3_column_bytes(handle, column))
            var text = text
            return text.withUTF8 { expected in expected.elementsEqual(UnsafeBufferPointer(start: bytes, count: count)) }
        }
    }

    /// Runs the statement with the values bound, handing each result row to `body` (GRDB's `Row`
    /// cursor makes a row object and converts each value; a listing reads 2,000 rows a batch), then
    /// resets it for the next values.
    mutating func forEachRow(_ body: (Columns) throws -> Void) throws {
        precondition(
            index == sqlite3_bind_parameter_count(handle), "\(statement.sql) bound \(index) of \(sqlite3_bind_parameter_count(handle)) parameters")
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
            index = 0
        }
        while true {
            switch sqlite3_step(handle) {
            case SQLITE_DONE: return
            case SQLITE_ROW: try body(Columns(handle: handle))
            default:
                let connection = sqlite3_db_handle(handle)
                throw DatabaseError(
                    resultCode: ResultCode(rawValue: sqlite3_extended_errcode(connection)),
                    message: String(cString: sqlite3_errmsg(connection)), sql: statement.sql)
            }
        }
    }
}
