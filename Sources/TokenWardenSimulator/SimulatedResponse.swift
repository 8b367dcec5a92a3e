import Foundation

/// What a simulated provider answers, including how to misbehave while sending it.
struct SimulatedResponse: Sendable {
    var status: Int
    var headers: [(String, String)] = [("Content-Type", "application/json")]
    var body: Data
    /// Seconds to wait before answering.
    var delay: Double = 0
    /// Close the connection half-way through the body.
    var truncate = false

    /// Payloads are `Encodable` structs: `JSONSerialization` of `[String: Any]` spends most of its
    /// time bridging on Linux, and the simulator serves hundreds of thousands of tokens.
    /// Keys sorted: a real API writes an object's keys in one order every time (a Django REST
    /// serializer in its declared field order), while `JSONEncoder` alone wrote the same token's
    /// keys in another order from one response to the next, so the same token never had the same
    /// bytes twice (which a re-sync relies on to skip unchanged tokens: `ListedItems`).
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return encoder
    }()

    static func encoded<T: Encodable>(_ status: Int, _ value: T) -> SimulatedResponse {
        // Encoding the simulator's own plain structs cannot fail.
        SimulatedResponse(status: status, body: (try? encoder.encode(value)) ?? Data())
    }

    /// Small bodies (errors, grants) written as dictionaries.
    static func json(_ status: Int, _ object: Any) -> SimulatedResponse {
        // The simulator only serialises its own dictionaries, which are always valid JSON objects.
        SimulatedResponse(status: status, body: (try? JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes])) ?? Data())
    }

    static func empty(_ status: Int) -> SimulatedResponse {
        SimulatedResponse(status: status, headers: [], body: Data())
    }
}
