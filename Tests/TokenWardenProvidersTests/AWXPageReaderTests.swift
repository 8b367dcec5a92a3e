import Foundation
import Testing
import TokenWardenCore
import TokenWardenJSON

@testable import TokenWardenProviders

/// AWX's listing pages read with `JSONReader` (the driver's `Item`): what `JSONDecoder` read before,
/// and the same errors with the coding path.
@Suite struct AWXPageReaderTests {
    @Test func errorsCarryTheCodingPath() throws {
        let page = #"{"next":null,"results":[{"id":1},{"id":"two"}]}"#
        #expect {
            try JSONReader.read(Array(page.utf8)) { reader in
                try reader.readObject { reader, key in
                    guard key == "results" else { return try reader.skipValue() }
                    try reader.readArray { reader, _ in _ = try AWXDriver.Item(reading: &reader) }
                }
            }
        } throws: { error in
            guard case .typeMismatch(_, let context) = error as? DecodingError else { return false }
            return ProviderConnection.describe(error as! DecodingError) == "expected Int at .results[1].id"
                && context.codingPath.count == 3
        }
    }

    // MARK: The listing readers against JSONDecoder, on generated pages

    /// The AWX item as the driver decoded it before, with `JSONDecoder`.
    struct DecodedItem: Decodable, Equatable {
        struct Summary: Decodable, Equatable {
            struct User: Decodable, Equatable { let username: String? }
            let user: User?
        }
        let id: Int
        let description: String?
        let user: Int?
        let summary_fields: Summary?
        let created: String?
        let expires: String?
        let scope: String?
        let application: Int?
    }

    static func randomText(_ rng: inout SeededGenerator) -> Any {
        let pieces = ["ci", "-", "é", "😀", "\"", "\\", "/", "\n", "\u{01}", "日本", " ", "token", "\u{7F}"]
        if Int.random(in: 0..<6, using: &rng) == 0 { return NSNull() }
        return (0..<Int.random(in: 0...5, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
    }

    static func randomAWXItem(_ rng: inout SeededGenerator) -> [String: Any] {
        var item: [String: Any] = ["id": Int.random(in: -5...Int(Int32.max), using: &rng)]
        let keys = ["description", "created", "expires", "scope", "modified", "user", "application", "summary_fields", "related", "token"]
        for key in keys where Int.random(in: 0..<5, using: &rng) > 0 {
            switch key {
            case "user", "application":
                item[key] = Bool.random(using: &rng) ? NSNull() as Any : Int.random(in: 0...999, using: &rng)
            case "summary_fields":
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: item[key] = NSNull()
                case 1: item[key] = ["application": ["id": 3, "name": "x"]] as [String: Any]
                case 2: item[key] = ["user": NSNull()] as [String: Any]
                default: item[key] = ["user": ["id": 7, "username": randomText(&rng), "first_name": "A"]] as [String: Any]
                }
            case "related":
                item[key] = ["user": "/api/v2/users/1/", "nested": [[1, 2.5, true, false, NSNull()], ["k": "v"]]] as [String: Any]
            case "token": item[key] = "************"
            default: item[key] = randomText(&rng)
            }
        }
        return item
    }

    @Test func theAWXReaderReadsWhatJSONDecoderDecoded() throws {
        var rng = SeededGenerator(seed: 6)
        for _ in 0..<40 {
            let items = (0..<Int.random(in: 0...60, using: &rng)).map { _ in Self.randomAWXItem(&rng) }
            let body = try JSONSerialization.data(withJSONObject: ["count": items.count, "next": NSNull(), "results": items])
            let expected = try JSONDecoder().decode(
                [String: [DecodedItem]].self,
                from: try JSONSerialization.data(withJSONObject: ["results": items]))["results"]!
            let read = try JSONReader.read(Array(body)) { reader in
                var read: [AWXDriver.Item] = []
                try reader.readObject { reader, key in
                    guard key == "results" else { return try reader.skipValue() }
                    try reader.readArray { reader, _ in read.append(try AWXDriver.Item(reading: &reader)) }
                }
                return read
            }
            #expect(read.count == expected.count)
            for (item, decoded) in zip(read, expected) {
                #expect(
                    item.id == decoded.id && item.description == decoded.description && item.user == decoded.user
                        && item.username == decoded.summary_fields?.user?.username && item.created == decoded.created
                        && item.expires == decoded.expires && item.scope == decoded.scope && item.application == decoded.application)
            }
        }
    }

    @Test func aWronglyTypedFieldFailsBothWays() throws {
        for bad in [["id": "1"], ["id": 1, "description": 5], ["id": 1, "summary_fields": ["user": ["username": 3]]], ["description": "no id"]]
            as [[String: Any]]
        {
            let body = try JSONSerialization.data(withJSONObject: ["results": [bad]])
            #expect((try? JSONDecoder().decode([String: [DecodedItem]].self, from: body)) == nil)
            #expect(throws: DecodingError.self) {
                try JSONReader.read(Array(body)) { reader in
                    try reader.readObject { reader, _ in try reader.readArray { reader, _ in _ = try AWXDriver.Item(reading: &reader) } }
                }
            }
        }
    }
}
