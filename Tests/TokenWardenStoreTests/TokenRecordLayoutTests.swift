import GRDB
import Testing

@testable import TokenWardenStore

/// Token rows are read by position; the table must keep the order `TokenRecord` reads.
struct TokenRecordLayoutTests {
    @Test func theTokenTableHasTheColumnsTokenRecordReadsInThatOrder() throws {
        let store = try TokenStore.inMemory()
        let columns = try store.writer.read { db in try db.columns(in: "token").map(\.name) }
        #expect(columns == TokenRecord.columnsInTableOrder)
    }
}
