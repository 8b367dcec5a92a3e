import Foundation
import Testing

@testable import TokenWardenSimulator

@Suite struct AWXPageTests {
    @Test func theEnvelopeKeepsAWXsKeyOrderOnEveryPage() throws {
        // Django REST framework writes count, next, previous, results, in that order, every time.
        let first = AWXPage(count: 3, next: JSONNull("/api/v2/tokens/?page=2"), previous: JSONNull(nil), results: [])
        #expect(String(decoding: first.body, as: UTF8.self) == #"{"count":3,"next":"/api/v2/tokens/?page=2","previous":null,"results":[]}"#)
        let last = AWXPage(count: 3, next: JSONNull(nil), previous: JSONNull("/api/v2/tokens/?page=1"), results: [])
        let object = try #require(try JSONSerialization.jsonObject(with: last.body) as? [String: Any])
        #expect(object["count"] as? Int == 3 && object["next"] is NSNull && (object["results"] as? [Any])?.isEmpty == true)
    }
}
