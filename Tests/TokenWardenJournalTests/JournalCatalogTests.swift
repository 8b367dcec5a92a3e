import Foundation
import Testing
import TokenWardenJournal

/// The MESSAGE_ID registry in code and `packaging/journald/tokenwarden.catalog` must agree.
@Suite struct JournalCatalogTests {
    static let catalog = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("packaging/journald/tokenwarden.catalog").path

    /// Each `-- <id>` header with the lines of its entry.
    static func entries() throws -> [String: [String]] {
        var entries: [String: [String]] = [:]
        var current: String?
        for line in try String(contentsOfFile: catalog, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("-- ") {
                current = String(line.dropFirst(3))
                entries[current!] = []
            } else if let current {
                entries[current]?.append(String(line))
            }
        }
        return entries
    }

    @Test func everyMessageIDHasACatalogEntryAndEveryEntryAnID() throws {
        let entries = try Self.entries()
        #expect(Set(entries.keys) == Set(JournalEvent.Kind.allCases.map(\.messageID)))
        for (id, lines) in entries {
            #expect(lines.first?.hasPrefix("Subject: ") == true, "\(id) has no Subject line first")
            // A Subject is a title: provider data (token names, owners) stays out of it.
            for field in ["@TOKENWARDEN_TOKEN_NAME@", "@TOKENWARDEN_OWNER@", "@TOKENWARDEN_TOKEN_ID@"] {
                #expect(lines.first?.contains(field) == false, "\(id)'s Subject names \(field)")
            }
            #expect(lines.contains("Defined-By: tokenwarden"), "\(id)")
        }
    }

    @Test func messageIDsAreUniqueAnd128BitHex() {
        let ids = JournalEvent.Kind.allCases.map(\.messageID)
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.range(of: "^[0-9a-f]{32}$", options: .regularExpression) != nil })
    }

    @Test func metadataKeysBecomeValidJournalFieldNames() {
        #expect(JournalLogHandler.fieldName("message_id") == "MESSAGE_ID")
        #expect(JournalLogHandler.fieldName("provider") == "TOKENWARDEN_PROVIDER")
        #expect(JournalLogHandler.fieldName("last-used.at") == "TOKENWARDEN_LAST_USED_AT")
    }
}
