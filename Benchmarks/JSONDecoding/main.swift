// Whether tokenwarden still needs its own JSON reader: JSONReader against Foundation's JSONDecoder
// on the page shape that dominates a sync (AWX's 200-token `/api/v2/tokens/` page), reading the same
// fields AWXDriver keeps. Both run in this one invocation, several rounds, medians compared.
//   swift run -c release tokenwarden-json-bench [--pages N] [--rounds N]
import Foundation
import TokenWardenJSON

/// One AWX token as its serializer writes it (fields from awx/api/serializers.py's OAuth2TokenSerializer).
func awxToken(_ id: Int) -> String {
    """
    {"id":\(id),"type":"o_auth2_access_token","url":"/api/v2/tokens/\(id)/","related":{"user":"/api/v2/users/\(id % 50)/",\
    "activity_stream":"/api/v2/tokens/\(id)/activity_stream/"},"summary_fields":{"user":{"id":\(id % 50),"username":"user-\(id % 50)",\
    "first_name":"First","last_name":"Last \(id)"},"application":null},"created":"2025-0\(1 + id % 9)-1\(id % 10)T08:15:3\(id % 10).123456Z",\
    "modified":"2025-10-01T08:15:30.654321Z","description":"ci-build-\(id) token for the nightly pipeline","user":\(id % 50),\
    "token":"************","refresh_token":"************","application":null,"expires":"2026-0\(1 + id % 9)-01T00:00:00Z","scope":"write"}
    """
}

func page(_ first: Int) -> [UInt8] {
    let tokens = (first..<first + 200).map(awxToken).joined(separator: ",")
    return Array(#"{"count":100000,"next":"/api/v2/tokens/?page=2","previous":null,"results":["#.utf8) + Array(tokens.utf8) + Array("]}".utf8)
}

/// What AWXDriver keeps of each token.
struct Kept: Equatable {
    var id = 0
    var description: String?
    var user: Int?
    var username: String?
    var created: String?
    var expires: String?
    var scope: String?
    var application: Int?
}

func readWithJSONReader(_ bytes: [UInt8]) throws -> [Kept] {
    try JSONReader.read(bytes) { reader in
        var kept: [Kept] = []
        try reader.readObject { reader, key in
            guard key == "results" else { return try reader.skipValue() }
            try reader.readArray { reader, _ in
                var item = Kept()
                try reader.readObject { reader, key in
                    switch key {
                    case "id": item.id = try reader.readInt()
                    case "description": item.description = try reader.readOptionalString()
                    case "user": item.user = try reader.readOptionalInt()
                    case "created": item.created = try reader.readOptionalString()
                    case "expires": item.expires = try reader.readOptionalString()
                    case "scope": item.scope = try reader.readOptionalString()
                    case "application": item.application = try reader.readOptionalInt()
                    case "summary_fields":
                        guard !reader.readNull() else { return }
                        try reader.readObject { reader, key in
                            guard key == "user", !reader.readNull() else { return try reader.skipValue() }
                            try reader.readObject { reader, key in
                                if key == "username" { item.username = try reader.readOptionalString() } else { try reader.skipValue() }
                            }
                        }
                    default: try reader.skipValue()
                    }
                }
                kept.append(item)
            }
        }
        return kept
    }
}

struct DecodedPage: Decodable {
    struct Item: Decodable {
        struct Summary: Decodable {
            struct User: Decodable { let username: String? }
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
    let next: String?
    let results: [Item]
}

func readWithJSONDecoder(_ data: Data) throws -> [Kept] {
    try JSONDecoder().decode(DecodedPage.self, from: data).results.map {
        Kept(
            id: $0.id, description: $0.description, user: $0.user, username: $0.summary_fields?.user?.username, created: $0.created,
            expires: $0.expires, scope: $0.scope, application: $0.application)
    }
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func option(_ name: String, default value: Int) -> Int {
    guard let index = CommandLine.arguments.firstIndex(of: name), index + 1 < CommandLine.arguments.count else { return value }
    return Int(CommandLine.arguments[index + 1]) ?? value
}

let pageCount = option("--pages", default: 100)
let rounds = option("--rounds", default: 5)
let pages = (0..<pageCount).map { page($0 * 200) }
let datas = pages.map { Data($0) }
let bytes = pages.reduce(0) { $0 + $1.count }
// Same answer both ways, or the comparison means nothing.
guard try readWithJSONReader(pages[0]) == readWithJSONDecoder(datas[0]) else {
    FileHandle.standardError.write(Data("JSONReader and JSONDecoder disagree on the page\n".utf8))
    exit(1)
}
var reader: [Double] = []
var decoder: [Double] = []
for _ in 0..<rounds {
    reader.append(try seconds { for page in pages { _ = try readWithJSONReader(page) } })
    decoder.append(try seconds { for data in datas { _ = try readWithJSONDecoder(data) } })
}
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
let tokens = Double(pageCount * 200)
let (r, d) = (median(reader), median(decoder))
print("\(pageCount) AWX pages of 200 tokens (\(bytes / pageCount) bytes a page), median of \(rounds) rounds:")
print(String(format: "  JSONReader   %.2f µs/token  %.0f MB/s", r / tokens * 1e6, Double(bytes) / r / 1e6))
print(String(format: "  JSONDecoder  %.2f µs/token  %.0f MB/s", d / tokens * 1e6, Double(bytes) / d / 1e6))
print(String(format: "  JSONDecoder / JSONReader = %.2f", d / r))
